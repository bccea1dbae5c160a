// softmax_regression: multinomial logistic regression, logits = W x + b, trained on the mean
// cross-entropy of each minibatch (scikit-learn's LogisticRegression(multi_class="multinomial"),
// or one nn.Linear with nn.CrossEntropyLoss). Convex, so it starts from zero weights.
#include <lrlab/sdk.hpp>

#include "classifier_task.hpp"

namespace lrlab::tasks {

void register_softmax_regression(Registry& r) {
  std::vector<Param> params = classifier_params();
  params.push_back(Param::real("l2", "L2 penalty l2/2 * ||W||^2 on the weights (not the biases)").def(0.0).at_least(0));
  r.add_task({.name = "softmax_regression",
              .summary = "multinomial logistic regression on a CSV data set",
              .formula = "p(y|x) = softmax(W x + b);  loss = mean over the batch of -log p(y|x) + l2/2 ||W||^2",
              .source = "sklearn.linear_model.LogisticRegression (multinomial); torch.nn.Linear + nn.CrossEntropyLoss",
              .notes = "Starts from W = 0, b = 0. Reports val_loss (cross-entropy without the penalty) and val_accuracy; "
                       "train_loss and train_accuracy too with eval_train. Class labels are integers, numbered 0..K-1 in "
                       "increasing order.",
              .params = std::move(params),
              .example = Json::parse(R"({"type": "softmax_regression", "data": "data/digits.csv.gz", "standardize": true,
                                         "batch_size": 64})")},
             [](const Params& p, const TaskContext& ctx) {
               ClassifierModel model;  // no hidden layer, zero start, softmax cross-entropy
               model.l2 = p.real("l2");
               return make_classifier(p, ctx, model);
             });
}

}  // namespace lrlab::tasks
