// logistic_regression: binary logistic regression, p(y=1|x) = sigmoid(w.x + b), trained on the
// mean binary cross-entropy of each minibatch (scikit-learn's LogisticRegression on two classes,
// or nn.Linear(d, 1) with nn.BCEWithLogitsLoss). Convex, so it starts from zero weights.
#include <lrlab/sdk.hpp>

#include "classifier_task.hpp"

namespace lrlab::tasks {

void register_logistic_regression(Registry& r) {
  std::vector<Param> params = classifier_params();
  params.push_back(Param::real("l2", "L2 penalty l2/2 * ||w||^2 on the weights (not the bias)").def(0.0).at_least(0));
  r.add_task({.name = "logistic_regression",
              .summary = "binary logistic regression on a CSV data set with two classes",
              .formula = "p(y=1|x) = sigmoid(w.x + b);  loss = mean of softplus(z) - y z + l2/2 ||w||^2, z = w.x + b",
              .source = "sklearn.linear_model.LogisticRegression; torch.nn.BCEWithLogitsLoss",
              .notes = "The labels must take exactly two values; the smaller is class 0, the larger class 1. Starts from "
                       "w = 0, b = 0. Predicts class 1 when z > 0.",
              .params = std::move(params),
              .example = Json::parse(R"({"type": "logistic_regression", "data": "data/breast_cancer.csv", "skip_rows": 1,
                                         "standardize": true, "batch_size": 32})")},
             [](const Params& p, const TaskContext& ctx) {
               ClassifierModel model;  // no hidden layer, zero start
               model.l2 = p.real("l2");
               model.loss = OutputLoss::sigmoid_cross_entropy;
               return make_classifier(p, ctx, model);
             });
}

}  // namespace lrlab::tasks
