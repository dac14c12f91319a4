#!/usr/bin/env python3
"""Finds checks in shell tests that cannot fail the test.

    tests/tools/test-lint.py FILE...

Test bodies (the last argument of test_expect_success) run under `set -e`
(tests/lib.sh), and so do the functions they call. set -e does not apply
to a command that is negated with `!`, that stands before `&&` or `||`, or
that is not the last of a pipeline; such a command's status only counts
when it ends up as the status of the test, a function or a subshell. This
tool reports, in test bodies and in the functions a file defines, each
such command whose status is then thrown away:

  - `! CMD` that is not the last command of the body, function or
    subshell, or that is inside a loop (only the last pass would count):
    use `not CMD` or `test_grep -v`, which fail under set -e;
  - `A && B` in the same places, when A is a check (test, [, grep, cmp,
    diff, test_*, not, expect_exit, ...): A's failure is ignored; write
    the checks on lines of their own (a conditional stays `if A; then B; fi`);
  - a check that is not the last command of a pipeline;
  - a check in a function that runs where set -e does not apply (called
    in a condition, before && or ||, after !, in $(...), by not or
    expect_exit), but the last;
  - a variable a test file sets at its top level and never reads
    (shellcheck cannot see into test bodies: tests/.shellcheckrc).

A plain command in a loop needs no `|| return 1` here: set -e stops the
test when it fails. `CMD || return 1` or `|| exit 1` after any of the
above makes it count, and `CMD || :` says the status is not wanted.

Output: one line "FILE:LINE: message" per finding; exit 1 when there is
one, 2 when a file cannot be parsed, else 0.
"""

import re
import sys

# commands whose status is the check (before &&)
CHECKS = {
    "test", "[", "[[", "grep", "egrep", "fgrep", "cmp", "diff", "not",
    "expect_exit", "one_line", "false", "sha256sum", "minisign",
    "signify-openbsd",
}
# commands that only check (before |, where their output is not the point)
ASSERTS = {"test", "[", "[[", "not", "expect_exit", "one_line", "cmp", "false"}
CHECK_PREFIXES = ("test_",)


class ParseError(Exception):
    pass


# ---- tokens: ("w", text, line) words, ("op", text, line) operators ----

OPS = ("&&", "||", ";;", ";", "|", "&", "(", ")", "\n")


def skip_quoted(s, i):
    """s[i] opens a quote, $( ${ $(( or `; returns the index after it."""
    c = s[i]
    if c == "'":
        j = s.find("'", i + 1)
        if j < 0:
            raise ParseError("unterminated '")
        return j + 1
    if c == '"':
        i += 1
        while i < len(s) and s[i] != '"':
            if s[i] == "\\":
                i += 2
            elif s[i] in "$`":
                i = skip_dollar(s, i)
            else:
                i += 1
        if i >= len(s):
            raise ParseError('unterminated "')
        return i + 1
    if c == "`":
        i += 1
        while i < len(s) and s[i] != "`":
            i += 2 if s[i] == "\\" else 1
        return i + 1
    return skip_dollar(s, i)


def skip_dollar(s, i):
    if s[i] == "`":
        return skip_quoted(s, i)
    if s.startswith("$(", i) or s.startswith("${", i):
        close = ")" if s[i + 1] == "(" else "}"
        open_ = s[i + 1]
        depth = 1
        i += 2
        while i < len(s) and depth:
            c = s[i]
            if c == "\\":
                i += 2
                continue
            if c in "'\"`" or (c == "$" and i + 1 < len(s) and s[i + 1] in "({"):
                if c == "'" and close == "}":
                    i += 1  # ${x#'} is rare; a quote inside ${} is literal enough
                    continue
                i = skip_quoted(s, i)
                continue
            if c == open_:
                depth += 1
            elif c == close:
                depth -= 1
            i += 1
        if depth:
            raise ParseError("unterminated $" + open_)
        return i
    return i + 1


_last_line = [0]


def tokenize(s, line0=1):
    toks = []
    i = 0
    line = line0
    heredocs = []
    n = len(s)
    while i < n:
        c = s[i]
        if c == "\\" and i + 1 < n and s[i + 1] == "\n":
            i += 2
            line += 1
            continue
        if c in " \t":
            i += 1
            continue
        if c == "#":
            while i < n and s[i] != "\n":
                i += 1
            continue
        if c == "\n":
            toks.append(("op", "\n", line))
            i += 1
            line += 1
            for strip, delim in heredocs:
                while True:
                    j = s.find("\n", i)
                    end = n if j < 0 else j
                    text = s[i:end]
                    i = end + 1 if j >= 0 else n
                    line += 1
                    if (text.lstrip("\t") if strip else text) == delim:
                        break
                    if j < 0:
                        raise ParseError("unterminated here-document " + delim)
            heredocs = []
            continue
        op = next((o for o in OPS if s.startswith(o, i)), None)
        if op and not (op == "&" and s.startswith("&>", i)):
            toks.append(("op", op, line))
            i += len(op)
            continue
        # a word (redirections are words too)
        start = i
        while i < n:
            c = s[i]
            if c in " \t\n;|()":
                break
            if c == "&":
                if i > start and s[i - 1] in "<>":
                    i += 1
                    continue
                if s.startswith("&>", i):
                    i += 2
                    continue
                break
            if c == "\\":
                i += 2
                continue
            if c in "'\"`" or (c == "$" and i + 1 < n and s[i + 1] in "({"):
                i = skip_quoted(s, i)
                continue
            if s.startswith("<(", i) or s.startswith(">(", i):
                i = skip_dollar("$" + s[i + 1:], 0) - 1 + i
                continue
            if s.startswith("<<<", i):
                i += 3
                continue
            if s.startswith("<<", i):
                # here-document: the delimiter is the next word
                i += 2
                strip = i < n and s[i] == "-"
                if strip:
                    i += 1
                while i < n and s[i] in " \t":
                    i += 1
                dstart = i
                while i < n and s[i] not in " \t\n;|&()<>":
                    i = skip_quoted(s, i) if s[i] in "'\"" else i + 1
                delim = re.sub(r"[\"'\\]", "", s[dstart:i])
                heredocs.append((strip, delim))
                continue
            i += 1
        toks.append(("w", s[start:i], line))
        line += s.count("\n", start, i)
        _last_line[0] = line
    toks.append(("op", "\n", line))
    return toks


def tokenize_at(s, line0=1):
    try:
        return tokenize(s, line0)
    except ParseError as e:
        raise ParseError("after line %d: %s" % (_last_line[0], e))


# ---- parser ----

class Node:
    def __init__(self, kind, line, **kw):
        self.kind = kind
        self.line = line
        self.__dict__.update(kw)


class Parser:
    def __init__(self, toks):
        self.t = toks
        self.i = 0

    def peek(self):
        return self.t[self.i] if self.i < len(self.t) else ("op", "EOF", 0)

    def next(self):
        tok = self.peek()
        self.i += 1
        return tok

    def is_word(self, text=None):
        k, v, _ = self.peek()
        return k == "w" and (text is None or v == text)

    def is_op(self, text):
        k, v, _ = self.peek()
        return k == "op" and v == text

    def skip_nl(self):
        while self.is_op("\n") or self.is_op(";"):
            self.next()

    def expect_word(self, text):
        self.skip_nl()
        k, v, line = self.next()
        if k != "w" or v != text:
            raise ParseError("line %d: expected %s, got %r" % (line, text, v))

    def parse_list(self, stops):
        """statements until a word in stops (at command start) or ) / ;; / EOF"""
        stmts = []
        while True:
            self.skip_nl()
            k, v, _ = self.peek()
            if v == "EOF" or (k == "op" and v in (")", ";;")) or (k == "w" and v in stops):
                return stmts
            stmts.append(self.parse_and_or())
            k, v, _ = self.peek()
            if k == "op" and v == "&":
                stmts[-1].background = True
                self.next()

    def parse_and_or(self):
        line = self.peek()[2]
        items = [self.parse_pipeline()]
        ops = []
        while self.is_op("&&") or self.is_op("||"):
            ops.append(self.next()[1])
            while self.is_op("\n"):
                self.next()
            items.append(self.parse_pipeline())
        return Node("and_or", line, items=items, ops=ops, background=False)

    def parse_pipeline(self):
        line = self.peek()[2]
        neg = False
        if self.is_word("!"):
            self.next()
            neg = True
        cmds = [self.parse_command()]
        while self.is_op("|"):
            self.next()
            while self.is_op("\n"):
                self.next()
            cmds.append(self.parse_command())
        return Node("pipeline", line, neg=neg, cmds=cmds)

    def parse_command(self):
        k, v, line = self.peek()
        if k == "op" and v == "(":
            self.next()
            body = self.parse_list(())
            if not self.is_op(")"):
                raise ParseError("line %d: ( without )" % line)
            self.next()
            self.redirs()
            return Node("subshell", line, body=body)
        if k != "w":
            raise ParseError("line %d: unexpected %r" % (line, v))
        if v == "{":
            self.next()
            body = self.parse_list(("}",))
            self.expect_word("}")
            self.redirs()
            return Node("group", line, body=body)
        if v == "if":
            self.next()
            arms = []
            cond = self.parse_list(("then",))
            self.expect_word("then")
            body = self.parse_list(("elif", "else", "fi"))
            arms.append((cond, body))
            orelse = []
            while True:
                self.skip_nl()
                k, v, l2 = self.next()
                if v == "elif":
                    cond = self.parse_list(("then",))
                    self.expect_word("then")
                    arms.append((cond, self.parse_list(("elif", "else", "fi"))))
                elif v == "else":
                    orelse = self.parse_list(("fi",))
                elif v == "fi":
                    break
                else:
                    raise ParseError("line %d: if without fi" % l2)
            self.redirs()
            return Node("if", line, arms=arms, orelse=orelse)
        if v in ("while", "until"):
            self.next()
            cond = self.parse_list(("do",))
            self.expect_word("do")
            body = self.parse_list(("done",))
            self.expect_word("done")
            self.redirs()
            return Node("loop", line, cond=cond, body=body)
        if v == "for":
            self.next()
            self.next()  # the name
            while not (self.is_op("\n") or self.is_op(";") or self.is_word("do")):
                self.next()
            self.skip_nl()
            self.expect_word("do")
            body = self.parse_list(("done",))
            self.expect_word("done")
            self.redirs()
            return Node("loop", line, cond=[], body=body)
        if v == "case":
            self.next()
            self.next()  # the word
            self.expect_word("in")
            arms = []
            while True:
                self.skip_nl()
                if self.is_word("esac"):
                    self.next()
                    break
                if self.is_op("("):
                    self.next()
                while not self.is_op(")"):
                    if self.peek()[1] == "EOF":
                        raise ParseError("line %d: case without esac" % line)
                    self.next()
                self.next()
                arms.append(self.parse_list(("esac",)))
                if self.is_op(";;"):
                    self.next()
            self.redirs()
            return Node("case", line, arms=arms)
        # a function definition: NAME ( ) body
        if (self.i + 2 < len(self.t) and self.t[self.i + 1] == ("op", "(", line)
                and self.t[self.i + 2][1] == ")"):
            self.i += 3
            self.skip_nl()
            body = self.parse_command()
            return Node("func", line, name=v, body=body)
        words = []
        wlines = []
        while self.is_word():
            _, w, wl = self.next()
            words.append(w)
            wlines.append(wl)
        return Node("simple", line, words=words, wlines=wlines)

    def redirs(self):
        while self.is_word() and re.match(r"^[0-9]*[<>&]", self.peek()[1]):
            self.next()


# ---- quoted words to their values (for test bodies) ----

def word_value(w, env):
    """the value of a word made of '...', "...", $var and plain text"""
    out = []
    i = 0
    while i < len(w):
        c = w[i]
        if c == "'":
            j = w.index("'", i + 1)
            out.append(w[i + 1:j])
            i = j + 1
        elif c == '"':
            j = skip_quoted(w, i)
            v = word_value_dq(w[i + 1:j - 1], env)
            if v is None:
                return None
            out.append(v)
            i = j
        elif c == "\\" and i + 1 < len(w):
            out.append(w[i + 1])
            i += 2
        elif c == "$":
            m = re.match(r"\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?", w[i:])
            if not m or m.group(1) not in env:
                return None
            out.append(env[m.group(1)])
            i += m.end()
        else:
            out.append(c)
            i += 1
    return "".join(out)


def word_value_dq(s, env):
    out = []
    i = 0
    while i < len(s):
        c = s[i]
        if c == "\\" and i + 1 < len(s) and s[i + 1] in '\\"$`':
            out.append(s[i + 1])
            i += 2
        elif c == "$":
            m = re.match(r"\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?", s[i:])
            if not m or m.group(1) not in env:
                return None
            out.append(env[m.group(1)])
            i += m.end()
        elif c == "`":
            return None
        else:
            out.append(c)
            i += 1
    return "".join(out)


# ---- the analysis ----

def cmd_name(cmd):
    if cmd.kind != "simple":
        return None
    for w in cmd.words:
        if re.match(r"^[A-Za-z_][A-Za-z0-9_]*=", w):
            continue
        return w
    return None


def is_check(pipeline):
    name = cmd_name(pipeline.cmds[-1]) if len(pipeline.cmds) == 1 else None
    if name is None:
        return False
    return name in CHECKS or name.startswith(CHECK_PREFIXES)


def is_assert(cmd):
    name = cmd_name(cmd)
    if name is None:
        return False
    if name == "grep":
        return any(re.match(r"^-[a-zA-Z]*q", w) for w in cmd.words[1:])
    return name in ASSERTS or name.startswith(CHECK_PREFIXES)


def pipeline_text(p):
    c = p.cmds[0]
    words = c.words if c.kind == "simple" else [c.kind]
    return ("! " if p.neg else "") + " ".join(words)[:60]


def jumps(pipeline):
    """return, continue, break, exit: `A && return` is a conditional"""
    return cmd_name(pipeline.cmds[-1]) in ("return", "continue", "break", "exit")


def handled(stmt):
    """an and-or list ending in `|| ...`: its failures go somewhere on purpose"""
    return bool(stmt.ops) and stmt.ops[-1] == "||"


class Linter:
    def __init__(self, path):
        self.path = path
        self.findings = []
        self.bodies = []      # the statements of each test body
        self.funcs = {}       # name: the function's node
        self.noexit = None    # set when checking a function called without set -e

    def report(self, line, msg):
        self.findings.append("%s:%d: %s" % (self.path, line, msg))

    def stmts(self, stmts, tail, where):
        """statements run under set -e; tail: the last one's status counts"""
        for n, st in enumerate(stmts):
            self.stmt(st, tail and n == len(stmts) - 1, where)

    def stmt(self, st, tail, where):
        if st.background:
            return
        counted = tail
        last = st.items[-1]
        if self.noexit and not counted and not handled(st) and not st.ops and not last.neg \
                and is_check(last):
            self.report(last.line, "'%s' cannot fail the test %s: %s" % (pipeline_text(last), where, self.noexit))
        if not handled(st):
            for item, op in zip(st.items, st.ops):
                if op == "&&" and not counted and is_check(item) and not jumps(st.items[-1]):
                    self.report(item.line, "'%s' before && cannot fail the test %s: give it a line of its own"
                                % (pipeline_text(item), where))
            last = st.items[-1]
            if last.neg and not counted:
                self.report(last.line, "'%s' cannot fail the test %s: set -e ignores !; use not or test_grep -v"
                            % (pipeline_text(last), where))
        for k, item in enumerate(st.items):
            for m, cmd in enumerate(item.cmds):
                last_cmd = m == len(item.cmds) - 1
                if not last_cmd and is_assert(cmd):
                    self.report(cmd.line, "'%s' before | cannot fail the test %s" % (" ".join(cmd.words)[:60], where))
                # only the last part of an and-or list, unnegated, runs under set -e
                if last_cmd and not item.neg and k == len(st.items) - 1:
                    self.compound(cmd, counted, where)

    def compound(self, cmd, tail, where):
        if cmd.kind == "subshell":
            # a subshell that fails stops the test, unless set -e is off here
            self.stmts(cmd.body, tail if self.noexit else True, where)
        elif cmd.kind == "group":
            self.stmts(cmd.body, tail, where)
        elif cmd.kind == "if":
            for _cond, body in cmd.arms:
                self.stmts(body, tail, where)
            self.stmts(cmd.orelse, tail, where)
        elif cmd.kind == "case":
            for body in cmd.arms:
                self.stmts(body, tail, where)
        elif cmd.kind == "loop":
            self.stmts(cmd.body, False, where + " (in a loop, only the last pass counts)")
        elif cmd.kind == "func":
            self.function(cmd)

    def function(self, f):
        self.funcs[f.name] = f
        body = f.body
        stmts = body.body if body.kind in ("group", "subshell") else []
        self.stmts(stmts, True, "in %s()" % f.name)

    def walk_file(self, stmts, env):
        """top level: functions, and the bodies given to test_expect_success"""
        for st in stmts:
            for item in st.items:
                for cmd in item.cmds:
                    self.top(cmd, env)

    def top(self, cmd, env):
        if cmd.kind == "func":
            self.function(cmd)
            return
        if cmd.kind == "simple":
            if len(cmd.words) == 1:
                m = re.match(r"^([A-Za-z_][A-Za-z0-9_]*)=(.*)$", cmd.words[0])
                if m:
                    v = word_value(m.group(2), env)
                    if v is not None:
                        env[m.group(1)] = v
            if cmd_name(cmd) == "test_expect_success" and len(cmd.words) >= 3:
                body = word_value(cmd.words[-1], env)
                if body is None:
                    raise ParseError("line %d: cannot read this test body" % cmd.line)
                line = cmd.wlines[-1]
                try:
                    toks = tokenize_at(body, line)
                    stmts = Parser(toks).parse_list(())
                except ParseError as e:
                    raise ParseError("the test body at line %d: %s" % (cmd.line, e))
                self.bodies.append(stmts)
                self.stmts(stmts, True, "in this test")
            return
        for attr in ("body", "orelse"):
            for st in getattr(cmd, attr, []) or []:
                if isinstance(st, Node):
                    for item in st.items:
                        for c in item.cmds:
                            self.top(c, env)
        for arm in getattr(cmd, "arms", []) or []:
            for st in (arm[1] if isinstance(arm, tuple) else arm):
                for item in st.items:
                    for c in item.cmds:
                        self.top(c, env)


SUBST_CALL = re.compile(r"\$\(\s*([A-Za-z_][A-Za-z0-9_-]*)")


def calls(stmts, exempt, out):
    """(name, line, exempt) for each command run in stmts; exempt: set -e
    does not apply to it (a condition, before && or ||, after !, in $(...),
    the command `not` or `expect_exit` runs)"""
    for st in stmts:
        for k, item in enumerate(st.items):
            ex = exempt or k < len(st.items) - 1 or handled(st) or item.neg
            for cmd in item.cmds:
                call_tree(cmd, ex, out)


def call_tree(cmd, ex, out):
    if cmd.kind == "simple":
        name = cmd_name(cmd)
        if name:
            out.append((name, cmd.line, ex))
            words = cmd.words[cmd.words.index(name):]
            if name == "not" and len(words) > 1:
                out.append((words[1], cmd.line, True))
            elif name == "expect_exit" and len(words) > 2:
                out.append((words[2], cmd.line, True))
        for w in cmd.words:
            for m in SUBST_CALL.finditer(w):
                out.append((m.group(1), cmd.line, True))
    elif cmd.kind in ("subshell", "group"):
        calls(cmd.body, ex, out)
    elif cmd.kind == "if":
        for cond, body in cmd.arms:
            calls(cond, True, out)
            calls(body, ex, out)
        calls(cmd.orelse, ex, out)
    elif cmd.kind == "loop":
        calls(cmd.cond, True, out)
        calls(cmd.body, ex, out)
    elif cmd.kind == "case":
        for body in cmd.arms:
            calls(body, ex, out)


def check_exempt_calls(linter):
    """the functions of the file that run where set -e does not apply"""
    out = []
    for body in linter.bodies:
        calls(body, False, out)
    for f in list(linter.funcs.values()):
        calls([Node("and_or", f.line, items=[Node("pipeline", f.line, neg=False, cmds=[f.body])], ops=[],
                    background=False)], False, out)
    seen = set()
    for name, line, ex in out:
        if not ex or name not in linter.funcs or name in seen:
            continue
        seen.add(name)
        f = linter.funcs[name]
        body = f.body.body if f.body.kind in ("group", "subshell") else []
        linter.noexit = "%s() runs without set -e where it is called (line %d): add || return 1" % (name, line)
        linter.stmts(body, True, "in %s()" % name)
        linter.noexit = None


def check_unused(linter, text):
    """a variable a test file sets at its top level and never reads (what
    shellcheck's SC2034 would say if it saw inside the test bodies)"""
    for n, line in enumerate(text.split("\n"), 1):
        m = re.match(r"^(?:export )?([A-Za-z_][A-Za-z0-9_]*)=", line)
        if not m:
            continue
        v = m.group(1)
        if not re.search(r"\$\{?[#!]?%s\b|\bexport\b.*\b%s\b|\b%s\[" % (v, v, v), text):
            linter.report(n, "%s is set and never read" % v)


def lint(path):
    with open(path, encoding="utf-8") as f:
        text = f.read()
    linter = Linter(path)
    try:
        stmts = Parser(tokenize_at(text)).parse_list(())
    except ParseError as e:
        print("%s: cannot parse: %s" % (path, e), file=sys.stderr)
        return None
    try:
        linter.walk_file(stmts, {})
    except ParseError as e:
        print("%s: cannot parse: %s" % (path, e), file=sys.stderr)
        return None
    check_exempt_calls(linter)
    if linter.bodies:
        check_unused(linter, text)
    return sorted(set(linter.findings), key=lambda f: int(f.split(":")[1]))


def main(argv):
    if len(argv) < 2 or argv[1] in ("-h", "--help"):
        print(__doc__.strip().split("\n\n")[1].strip(), file=sys.stderr)
        return 2
    status = 0
    for path in argv[1:]:
        findings = lint(path)
        if findings is None:
            status = 2
            continue
        for f in findings:
            print(f)
        if findings and status == 0:
            status = 1
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv))
