#include "scan/expression.h"

#include <charconv>

#include "core/ascii.h"

namespace mw::scan {

namespace {

using core::is_fws;

struct Token {
  enum class Type { kAtom, kNumber, kAnd, kOr, kNot, kPlus, kLParen, kRParen, kCmp, kEnd };
  Type type = Type::kEnd;
  std::string text;
  double number = 0;
  size_t offset = 0;
};

class Lexer {
 public:
  explicit Lexer(std::string_view s) : s_(s) {}

  Result<std::vector<Token>> run() {
    std::vector<Token> out;
    for (;;) {
      while (pos_ < s_.size() && is_fws(s_[pos_])) ++pos_;
      Token t;
      t.offset = pos_;
      if (pos_ >= s_.size()) {
        out.push_back(t);
        return out;
      }
      char c = s_[pos_];
      char n = pos_ + 1 < s_.size() ? s_[pos_ + 1] : '\0';
      if (c == '&') {
        t.type = Token::Type::kAnd;
        pos_ += n == '&' ? 2 : 1;
      } else if (c == '|') {
        t.type = Token::Type::kOr;
        pos_ += n == '|' ? 2 : 1;
      } else if (c == '!' && n != '=') {
        t.type = Token::Type::kNot;
        ++pos_;
      } else if (c == '+') {
        t.type = Token::Type::kPlus;
        ++pos_;
      } else if (c == '(') {
        t.type = Token::Type::kLParen;
        ++pos_;
      } else if (c == ')') {
        t.type = Token::Type::kRParen;
        ++pos_;
      } else if (c == '>' || c == '<' || (c == '=' && n == '=') || (c == '!' && n == '=')) {
        t.type = Token::Type::kCmp;
        t.text = std::string(1, c);
        ++pos_;
        if (pos_ < s_.size() && s_[pos_] == '=') {
          t.text += '=';
          ++pos_;
        }
      } else {
        auto atom = read_atom();
        if (!atom) return fail(atom.error());
        std::string a = std::move(*atom);
        if (a == "and") {
          t.type = Token::Type::kAnd;
        } else if (a == "or") {
          t.type = Token::Type::kOr;
        } else if (a == "not") {
          t.type = Token::Type::kNot;
        } else if (is_number(a, t.number)) {
          t.type = Token::Type::kNumber;
        } else {
          t.type = Token::Type::kAtom;
          t.text = std::move(a);
        }
      }
      out.push_back(std::move(t));
    }
  }

 private:
  static bool is_number(const std::string& a, double& v) {
    if (a.empty()) return false;
    auto r = std::from_chars(a.data(), a.data() + a.size(), v);
    return r.ec == std::errc() && r.ptr == a.data() + a.size();
  }

  // Consume a /.../ regexp body starting at the opening slash.
  Status skip_regexp() {
    size_t start = pos_;
    ++pos_;
    while (pos_ < s_.size() && s_[pos_] != '/') {
      if (s_[pos_] == '\\') ++pos_;
      ++pos_;
    }
    if (pos_ >= s_.size()) {
      return fail(ErrorCode::kInvalidInput,
                  "unterminated regexp at offset " + std::to_string(start));
    }
    ++pos_;  // closing slash
    return {};
  }

  Status skip_until(char open, char close) {
    size_t start = pos_;
    int depth = 0;
    char quote = 0;
    while (pos_ < s_.size()) {
      char c = s_[pos_];
      if (quote != 0) {
        if (c == '\\') ++pos_;
        else if (c == quote) quote = 0;
      } else if (c == '"' || c == '\'') {
        quote = c;
      } else if (c == '/' && open == '[') {
        MW_TRY(skip_regexp());
        continue;
      } else if (c == open) {
        ++depth;
      } else if (c == close) {
        if (--depth == 0) {
          ++pos_;
          return {};
        }
      }
      ++pos_;
    }
    return fail(ErrorCode::kInvalidInput,
                std::string("unbalanced '") + open + "' at offset " + std::to_string(start));
  }

  Result<std::string> read_atom() {
    size_t start = pos_;
    while (pos_ < s_.size()) {
      char c = s_[pos_];
      char n = pos_ + 1 < s_.size() ? s_[pos_ + 1] : '\0';
      if (c == '/' && (pos_ == start || s_[pos_ - 1] == '=' || is_prefix_char(s_[pos_ - 1], start))) {
        MW_TRY(skip_regexp());
        continue;
      }
      if (c == '{') {
        MW_TRY(skip_until('{', '}'));
        continue;
      }
      if (c == '[') {
        MW_TRY(skip_until('[', ']'));
        continue;
      }
      if (c == '(' && pos_ > start && is_ident(s_[pos_ - 1])) {
        MW_TRY(skip_until('(', ')'));
        continue;
      }
      if (c == '=' && n == '/') {
        ++pos_;
        continue;
      }
      // Group atoms g+:name and g-:name (optionally after a ~ - ^ prefix).
      if ((c == '+' || c == '-') && n == ':') {
        std::string_view so_far = s_.substr(start, pos_ - start);
        if (so_far == "g" || ((so_far.size() == 2) && so_far[1] == 'g' &&
                              (so_far[0] == '~' || so_far[0] == '-' || so_far[0] == '^'))) {
          pos_ += 2;
          continue;
        }
      }
      if (is_fws(c) || c == '&' || c == '|' || c == '+' || c == '(' || c == ')' ||
          c == '>' || c == '<' || (c == '=' && n == '=') || (c == '!' && pos_ > start)) {
        break;
      }
      ++pos_;
    }
    if (pos_ == start) {
      return fail(ErrorCode::kInvalidInput, "unexpected character '" + std::string(1, s_[pos_]) +
                                                "' at offset " + std::to_string(pos_));
    }
    return std::string(s_.substr(start, pos_ - start));
  }

  bool is_prefix_char(char c, size_t start) const {
    // Composite atom prefixes before a regexp-less atom never precede '/'; a '/' right after
    // a prefix at the atom start is still a regexp (e.g. "~/re/").
    return pos_ - 1 == start && (c == '~' || c == '-' || c == '^');
  }
  static bool is_ident(char c) {
    return core::is_alnum(c) || c == '_';
  }

  std::string_view s_;
  size_t pos_ = 0;
};

class Parser {
 public:
  Parser(std::vector<Token> tokens, std::vector<std::string>& atoms)
      : t_(std::move(tokens)), atoms_(atoms) {}

  Result<std::unique_ptr<ExprNode>> run() {
    auto node = parse_or();
    if (!node) return node;
    if (peek().type != Token::Type::kEnd) return error("unexpected token");
    return node;
  }

 private:
  const Token& peek() const { return t_[i_]; }
  const Token& next() { return t_[i_ < t_.size() - 1 ? i_++ : i_]; }
  Failure error(const char* what) const {
    return fail(ErrorCode::kInvalidInput,
                std::string(what) + " at offset " + std::to_string(peek().offset));
  }

  using NodeResult = Result<std::unique_ptr<ExprNode>>;

  NodeResult binary(ExprNode::Kind kind, Token::Type op, NodeResult (Parser::*sub)()) {
    auto first = (this->*sub)();
    if (!first) return first;
    if (peek().type != op) return first;
    auto node = std::make_unique<ExprNode>();
    node->kind = kind;
    node->children.push_back(std::move(*first));
    while (peek().type == op) {
      next();
      auto rhs = (this->*sub)();
      if (!rhs) return rhs;
      node->children.push_back(std::move(*rhs));
    }
    return node;
  }

  NodeResult parse_or() { return binary(ExprNode::Kind::kOr, Token::Type::kOr, &Parser::parse_and); }
  NodeResult parse_and() { return binary(ExprNode::Kind::kAnd, Token::Type::kAnd, &Parser::parse_cmp); }

  NodeResult parse_cmp() {
    auto lhs = binary(ExprNode::Kind::kSum, Token::Type::kPlus, &Parser::parse_unary);
    if (!lhs) return lhs;
    if (peek().type != Token::Type::kCmp) return lhs;
    std::string op = next().text;
    if (peek().type != Token::Type::kNumber) return error("expected a number after comparison");
    auto node = std::make_unique<ExprNode>();
    node->kind = ExprNode::Kind::kCompare;
    node->op = op;
    node->number = next().number;
    node->children.push_back(std::move(*lhs));
    return node;
  }

  NodeResult parse_unary() {
    const Token& t = peek();
    switch (t.type) {
      case Token::Type::kNot: {
        next();
        auto operand = parse_unary();
        if (!operand) return operand;
        auto node = std::make_unique<ExprNode>();
        node->kind = ExprNode::Kind::kNot;
        node->children.push_back(std::move(*operand));
        return node;
      }
      case Token::Type::kLParen: {
        next();
        auto inner = parse_or();
        if (!inner) return inner;
        if (peek().type != Token::Type::kRParen) return error("expected ')'");
        next();
        return inner;
      }
      case Token::Type::kAtom: {
        auto node = std::make_unique<ExprNode>();
        node->kind = ExprNode::Kind::kAtom;
        node->atom = next().text;
        for (size_t i = 0; i < atoms_.size(); ++i) {
          if (atoms_[i] == node->atom) node->atom_index = static_cast<int>(i);
        }
        if (node->atom_index < 0) {
          node->atom_index = static_cast<int>(atoms_.size());
          atoms_.push_back(node->atom);
        }
        return node;
      }
      case Token::Type::kNumber: {
        auto node = std::make_unique<ExprNode>();
        node->kind = ExprNode::Kind::kNumber;
        node->number = next().number;
        return node;
      }
      default:
        return error("expected an atom");
    }
  }

  std::vector<Token> t_;
  size_t i_ = 0;
  std::vector<std::string>& atoms_;
};

double eval_node(const ExprNode& n, const std::function<double(int)>& atom_value) {
  switch (n.kind) {
    case ExprNode::Kind::kAtom: return atom_value(n.atom_index);
    case ExprNode::Kind::kNumber: return n.number;
    case ExprNode::Kind::kNot: return eval_node(*n.children[0], atom_value) == 0 ? 1 : 0;
    case ExprNode::Kind::kAnd:
      for (const auto& c : n.children) {
        if (eval_node(*c, atom_value) == 0) return 0;
      }
      return 1;
    case ExprNode::Kind::kOr:
      for (const auto& c : n.children) {
        if (eval_node(*c, atom_value) != 0) return 1;
      }
      return 0;
    case ExprNode::Kind::kSum: {
      double sum = 0;
      for (const auto& c : n.children) sum += eval_node(*c, atom_value) != 0 ? 1 : 0;
      return sum;
    }
    case ExprNode::Kind::kCompare: {
      double v = eval_node(*n.children[0], atom_value);
      if (n.children[0]->kind != ExprNode::Kind::kSum) v = v != 0 ? v : 0;
      if (n.op == ">") return v > n.number;
      if (n.op == ">=") return v >= n.number;
      if (n.op == "<") return v < n.number;
      if (n.op == "<=") return v <= n.number;
      if (n.op == "==") return v == n.number;
      if (n.op == "!=") return v != n.number;
      return 0;
    }
  }
  return 0;
}

}  // namespace

Result<Expression> Expression::parse(std::string_view text) {
  auto tokens = Lexer(text).run();
  if (!tokens) return fail(tokens.error());
  if (tokens->size() == 1) return fail(ErrorCode::kInvalidInput, "empty expression");
  Expression e;
  e.text_ = std::string(text);
  auto root = Parser(std::move(*tokens), e.atoms_).run();
  if (!root) return fail(root.error());
  e.root_ = std::shared_ptr<ExprNode>(std::move(*root));
  return e;
}

double Expression::eval(const std::function<double(int)>& atom_value) const {
  return root_ ? eval_node(*root_, atom_value) : 0;
}

}  // namespace mw::scan
