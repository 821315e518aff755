// Boolean/arithmetic rule expressions shared by composites and regexp rules.
//
// Grammar (Rspamd's, so existing rules read the same):
//   expr    := or
//   or      := and (('|' | '||' | 'or') and)*
//   and     := cmp (('&' | '&&' | 'and') cmp)*
//   cmp     := sum (('>' | '>=' | '<' | '<=' | '==' | '!=') number)?
//   sum     := unary ('+' unary)*
//   unary   := ('!' | 'not') unary | '(' expr ')' | atom | number
// An atom is any other run of text; regexps in atoms (`Subject=/a b|c/i{header}`), option
// filters (`SYM[a,b]`) and call arguments (`header_exists(X-Foo)`) may contain spaces and
// operator characters. Composite atom prefixes `~ - ^` stay part of the atom text.
//
// Evaluation: an atom evaluates to a number (0 = false); `!x` is 1 when x is 0; `&`/`|` are
// logical with short-circuit; `+` adds truth values (each operand counts 1 when non-zero);
// a comparison yields 0 or 1.
//
// Ownership: an Expression owns its nodes. Immutable after parse; shareable.
// Failure modes: parse() returns kInvalidInput with the offset of the problem.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace mw::scan {

struct ExprNode {
  enum class Kind { kAtom, kNumber, kNot, kAnd, kOr, kSum, kCompare };
  Kind kind = Kind::kAtom;
  std::string atom;          // kAtom
  int atom_index = -1;       // kAtom: index into Expression::atoms()
  double number = 0;         // kNumber, and the right side of kCompare
  std::string op;            // kCompare: ">", ">=", "<", "<=", "==", "!="
  std::vector<std::unique_ptr<ExprNode>> children;
};

class Expression {
 public:
  static Result<Expression> parse(std::string_view text);

  // Evaluate with `atom_value(index)` giving each atom's value. Atoms are evaluated lazily
  // (short-circuit), at most once per call per occurrence.
  double eval(const std::function<double(int atom_index)>& atom_value) const;

  // Distinct atom texts in order of first appearance; ExprNode::atom_index points here.
  const std::vector<std::string>& atoms() const { return atoms_; }
  const std::string& text() const { return text_; }
  const ExprNode* root() const { return root_.get(); }

 private:
  std::shared_ptr<ExprNode> root_;
  std::vector<std::string> atoms_;
  std::string text_;
};

}  // namespace mw::scan
