// mlp: a multilayer perceptron classifier, dense layers with relu, tanh or gelu between them and
// a softmax cross-entropy on the last (Keras's Sequential of Dense layers, or PyTorch's
// nn.Sequential(nn.Linear, nn.ReLU, ..., nn.Linear) with nn.CrossEntropyLoss).
#include <lrlab/sdk.hpp>

#include "classifier_task.hpp"

namespace lrlab::tasks {

void register_mlp(Registry& r) {
  std::vector<Param> params = classifier_params();
  params.push_back(Param::integers("hidden", "width of each hidden layer, input side first").def(Json::array({64})).at_least(1));
  params.push_back(Param::string("activation", "the hidden layers' activation").def("relu").one_of({"relu", "tanh", "gelu"}));
  params.push_back(Param::string("init", "weight initialisation, from the trial seed: he (normal, 2/fan_in) or "
                                         "glorot (uniform, 6/(fan_in+fan_out))")
                       .def("he")
                       .one_of({"he", "glorot"}));
  params.push_back(Param::real("l2", "L2 penalty l2/2 * sum ||W||^2 on the weights (not the biases)").def(0.0).at_least(0));
  r.add_task({.name = "mlp",
              .summary = "a multilayer perceptron classifier on a CSV data set",
              .formula = "a_0 = x;  a_l = f(W_l a_{l-1} + b_l);  p(y|x) = softmax(W_L a_{L-1} + b_L);  "
                         "loss = mean of -log p(y|x) + l2/2 sum ||W_l||^2",
              .source = "He et al. 2015 (he init), Glorot & Bengio 2010 (glorot init), Hendrycks & Gimpel 2016 (gelu)",
              .notes = "Weights are drawn from the trial seed, so every grid point of a repeat starts from the same network; "
                       "biases start at 0. gelu is the exact z * Phi(z). He initialisation suits relu and gelu; use glorot "
                       "with tanh. `hidden: []` is softmax regression.",
              .params = std::move(params),
              .example = Json::parse(R"({"type": "mlp", "data": "data/digits.csv.gz", "standardize": true, "hidden": [64],
                                         "activation": "relu", "batch_size": 64})")},
             [](const Params& p, const TaskContext& ctx) {
               ClassifierModel model;
               for (const auto w : p.integers("hidden")) model.hidden.push_back(static_cast<Eigen::Index>(w));
               model.activation = activation_from_string(p.string("activation"));
               model.init = p.string("init") == "glorot" ? Init::glorot : Init::he;
               model.l2 = p.real("l2");
               return make_classifier(p, ctx, model);
             });
}

}  // namespace lrlab::tasks
