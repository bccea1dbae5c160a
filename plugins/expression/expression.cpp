// expression: a learning-rate formula parsed by muParser (https://beltoforion.de/en/muparser/),
// e.g. "lr0 * 0.5 * (1 + cos(pi * min(t, total_steps) / total_steps))".
//
// muParser evaluates through buffers inside the parser object, so one parser must not evaluate on
// two threads at once; value() is const and may be called from any thread, hence the mutex. Each
// trial builds its own schedule, so the lock is contended only when one schedule is shared.
#include <algorithm>
#include <cmath>
#include <memory>
#include <mutex>
#include <numbers>
#include <sstream>
#include <stdexcept>
#include <string>

#include <muParser.h>

#include <lrlab/sdk.hpp>

namespace lrlab::expression {
namespace {

// The variables a formula sees. The parser keeps pointers to these fields.
struct Variables {
  double t = 0, epoch = 0, lr0 = 0, total_steps = 0, steps_per_epoch = 1;
};

double floor_fn(double x) { return std::floor(x); }
double ceil_fn(double x) { return std::ceil(x); }

// "Argument `formula` ...: <muParser's message>\n  <formula>\n  <caret under the position>".
std::string parse_message(const std::string& formula, const mu::ParserError& e) {
  std::ostringstream out;
  out << "Argument `formula` is not a valid expression: " << e.GetMsg();
  // muParser reports the end of input one past it ("Missing parenthesis" in "lr0 * (t + 1").
  if (const int pos = e.GetPos(); pos >= 0)
    out << "\n  " << formula << "\n  " << std::string(std::min(static_cast<std::size_t>(pos), formula.size()), ' ') << '^';
  out << "\nReceived: formula=" << Json(formula).dump();
  return out.str();
}

class Expression final : public Schedule {
 public:
  Expression(const std::string& formula, const ScheduleContext& ctx) : formula_(formula) {
    vars_.lr0 = ctx.base_lr;
    vars_.total_steps = static_cast<double>(ctx.total_steps);
    vars_.steps_per_epoch = static_cast<double>(std::max<std::int64_t>(1, ctx.steps_per_epoch));
    parser_.DefineVar("t", &vars_.t);
    parser_.DefineVar("epoch", &vars_.epoch);
    parser_.DefineVar("lr0", &vars_.lr0);
    parser_.DefineVar("total_steps", &vars_.total_steps);
    parser_.DefineVar("steps_per_epoch", &vars_.steps_per_epoch);
    parser_.DefineConst("pi", std::numbers::pi);
    parser_.DefineFun("floor", floor_fn);
    parser_.DefineFun("ceil", ceil_fn);
    parser_.SetExpr(formula);
  }
  Expression(const Expression&) = delete;
  Expression& operator=(const Expression&) = delete;

  double value(std::int64_t t) const override {
    double v = 0;
    {
      const std::lock_guard<std::mutex> lock(mutex_);
      vars_.t = static_cast<double>(t);
      vars_.epoch = std::floor(vars_.t / vars_.steps_per_epoch);
      v = parser_.Eval();
    }
    // A rate that is not a finite non-negative number would silently wreck a trial: say where.
    // (JSON has no infinity or NaN: Json(v).dump() would print them as null.)
    if (!std::isfinite(v) || v < 0)
      throw std::domain_error("expression " + Json(formula_).dump() + " gives " +
                              (std::isfinite(v) ? Json(v).dump() : message_number(v) + ", which is not a finite number,") +
                              " at t=" + std::to_string(t) + ": a learning rate must be finite and >= 0");
    return v;
  }

  // Parses the formula (SetExpr checks the characters, the first evaluation parses) and evaluates it
  // at t = 0, turning problems into ParamErrors for validate.
  static SchedulePtr make(const std::string& formula, const ScheduleContext& ctx) {
    try {
      auto s = std::make_unique<Expression>(formula, ctx);
      s->value(0);
      return s;
    } catch (const mu::ParserError& e) {
      throw ParamError("formula", parse_message(formula, e));
    } catch (const std::domain_error& e) {
      throw ParamError("formula", std::string("Argument `formula` must give a learning rate: ") + e.what());
    }
  }

 private:
  std::string formula_;
  mutable std::mutex mutex_;
  mutable Variables vars_;
  mu::Parser parser_;
};

}  // namespace

void register_expression(Registry& r) {
  r.add_schedule(
      {.name = "expression",
       .summary = "any formula of the step, as text (muParser syntax)",
       .formula = "lr(t) = formula(t, epoch, lr0, total_steps, steps_per_epoch)",
       .source = "lrlab (muParser expressions); plays the role of torch.optim.lr_scheduler.LambdaLR",
       .notes = "Variables: t (the step), epoch = floor(t / steps_per_epoch), lr0 (the optimizer's learning_rate), "
                "total_steps (the trial's budget in steps; 0 when unknown), steps_per_epoch. Constants pi and _e; "
                "operators + - * / ^, comparisons, && ||, c ? a : b; functions sin cos tan exp ln log10 log2 sqrt abs "
                "sign rint floor ceil min max sum avg. The formula is parsed at validate time (errors show the "
                "position with a caret) and must give a finite rate >= 0 at every step, or the trial fails there. "
                "With \"unit\": \"epoch\", t is the epoch (total_steps stays in steps).",
       .params = {Param::string("formula", "the learning rate as a formula, e.g. lr0 * 0.99^t").required()},
       .example = Json::parse(
           R"json({"type": "expression",
                   "formula": "lr0 * (t < 100 ? (t + 1) / 100 : 0.5 * (1 + cos(pi * min(t - 100, 900) / 900)))"})json")},
      [](const Params& p, const ScheduleContext& ctx) -> SchedulePtr {
        return Expression::make(p.string("formula"), ctx);
      });
}
}  // namespace lrlab::expression
