"""Syntax tree -> operator graph.

One node per distinct variable (a reused variable fans out), one per
constant, one per operator application. Ids are a topological order: the
variables first, in order of appearance, then every other node in the order
it is evaluated. Edges run operand -> operator; the edges of node i are
contiguous and in operand order. Building is iterative (no recursion).

Numbers per node live in flat arrays (a few bytes each, not a Python object
per field), so a 100,000-node graph stays small.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np

from .errors import EngineError, quoted
from .limits import Limits
from .ops import CONSTANTS, OPERATORS, Operator
from .syntax import Apply, Name, Num, Param, Program, Statement

INPUT, CONST, OP, PARAM = "input", "const", "op", "param"
NONE = -1  # operand_b of a unary operator (and of leaves); operand_a of leaves


@dataclass(slots=True)
class Statements:
    """Per statement: the name it assigns (or None), its node and its span."""

    targets: list[str | None] = field(default_factory=list)
    nodes: array = field(default_factory=lambda: array("i"))
    starts: array = field(default_factory=lambda: array("i"))
    ends: array = field(default_factory=lambda: array("i"))

    def __iter__(self):
        return zip(self.targets, self.nodes, self.starts, self.ends, strict=True)

    def __len__(self) -> int:
        return len(self.targets)


@dataclass(slots=True)
class Graph:
    kinds: list[str]  # INPUT, CONST or OP per node
    ops: list[Operator | None]
    operand_a: array  # first operand's node id, or NONE
    operand_b: array  # second operand's node id, or NONE
    # Variable name, or the name an intermediate was given; for a constant, its
    # text when that differs from its span in the source (see label()).
    labels: list[str | None]
    starts: array  # span [start, end) of the source each node comes from
    ends: array
    const_nodes: array  # the constant nodes ...
    const_values: array  # ... and their values
    variables: list[str]  # variable names; variable k is node k
    occurrences: list[array]  # where variable k is written: start0, end0, start1, end1, ...
    output: int
    statements: Statements
    requires_grad: bytearray  # 1 where the node depends on some variable
    # Tensors: trainable parameters (param(3, 4), named by their statement), vector and
    # matrix literals, operators' integer arguments (the axis of sum(x, 0)), and whether
    # the analysis must run on arrays at all.
    parameters: dict[int, tuple[str, tuple[int, ...]]] = field(default_factory=dict)
    tensor_constants: dict[int, object] = field(default_factory=dict)
    op_params: dict[int, int] = field(default_factory=dict)
    uses_tensors: bool = False
    first_edge: array = field(default_factory=lambda: array("i"))  # id of node i's first incoming edge
    edge_targets: array = field(default_factory=lambda: array("i"))
    edge_operands: array = field(default_factory=lambda: array("b"))
    source: str = ""
    # What is worked out from the graph alone, once (display.formula_texts): a graph read
    # again from the same source is the same object (reading.py), so this outlives a request.
    derived: dict = field(default_factory=dict, repr=False, compare=False)

    def label(self, node: int) -> str | None:
        """What the node is called: x, q, 2.5; None for an unnamed operator."""
        label = self.labels[node]
        if label is None and self.kinds[node] is CONST:
            # A constant is labelled by its own text, read from the source on
            # demand rather than kept per node.
            return "".join(self.source[self.starts[node]:self.ends[node]].split())
        return label

    def __len__(self) -> int:
        return len(self.kinds)

    def operands(self, node: int) -> tuple[int, ...]:
        a, b = self.operand_a[node], self.operand_b[node]
        return () if a == NONE else ((a,) if b == NONE else (a, b))

    @property
    def inputs(self) -> list[tuple[int, ...]]:
        return [self.operands(node) for node in range(len(self.kinds))]

    def span(self, node: int) -> tuple[int, int]:
        return self.starts[node], self.ends[node]

    def occurrence_spans(self, variable: int) -> list[tuple[int, int]]:
        flat = self.occurrences[variable]
        return list(zip(flat[::2], flat[1::2], strict=True))

    def edge_source(self, edge: int) -> int:
        target = self.edge_targets[edge]
        return self.operand_b[target] if self.edge_operands[edge] else self.operand_a[target]

    @property
    def edge_count(self) -> int:
        return len(self.edge_targets)


def build_graph(program: Program | Iterable[Statement], limits: Limits | None = None, *,
                merge: bool = False, source: str = "") -> Graph:
    """The graph of a program, or of statements as a parser yields them from `source`."""
    statements = program.statements if isinstance(program, Program) else program
    return Builder(limits or Limits(), merge, source).build(statements)


class Builder:
    """Provisional ids: variable k is -(k+2) (-1 is NONE); every other node counts
    up from 0. The final renumbering puts the variables first."""

    def __init__(self, limits: Limits, merge: bool, source: str):
        self.source = source
        self.max_nodes = limits.max_nodes
        self.merge = merge
        self.kinds: list[str] = []
        self.ops: list[Operator | None] = []
        self.operand_a = array("i")
        self.operand_b = array("i")
        self.labels: list[str | None] = []
        self.starts = array("i")
        self.ends = array("i")
        self.const_nodes = array("i")
        self.const_values = array("d")
        self.variables: dict[str, int] = {}
        self.occurrences: list[array] = []
        self.bound: dict[str, int] = {}  # program names -> provisional node id
        self.parameters: dict[int, tuple[str, tuple[int, ...]]] = {}
        self.parameter_names: set[str] = set()
        self.tensor_constants: dict[int, object] = {}
        self.op_params: dict[int, int] = {}
        self.uses_tensors = False
        self.seen: dict[tuple, int] = {}  # for merge: (op, operand ids) or constant -> node
        # new() runs once per node: its appends are looked up once
        self._add_kind, self._add_op, self._add_label = self.kinds.append, self.ops.append, self.labels.append
        self._add_a, self._add_b = self.operand_a.append, self.operand_b.append
        self._add_start, self._add_end = self.starts.append, self.ends.append

    def build(self, program: Iterable[Statement]) -> Graph:
        statements = Statements()
        parameter_names = self.parameter_names
        for statement in program:
            target, expr = statement.target, statement.expr
            if target is not None and (target in parameter_names or type(expr) is Param):
                self.check_rebinding(statement)
            node = self.parameter(statement) if type(expr) is Param else self.expression(expr)
            self.bind(statements, target, node, statement.start, statement.end)
        return self.finish(statements)

    def bind(self, statements: Statements, target: str | None, node: int, start: int, end: int) -> None:
        """A statement built: its name now means its node (an unnamed operation takes it)."""
        if target is not None:
            self.bound[target] = node
            if node >= 0 and self.kinds[node] is OP and self.labels[node] is None:
                self.labels[node] = target
        statements.targets.append(target)
        statements.nodes.append(node)
        statements.starts.append(start)
        statements.ends.append(end)

    def expression(self, root) -> int:
        """The node of an expression, built operands first (no recursion); an operation
        whose operands are all leaves is built at once, without the work stack."""
        if type(root) is not Apply:
            return self.leaf(root)
        results: list[int] = []
        work: list = [root]
        leaf, operation = self.leaf, self.operation
        while work:
            item = work.pop()
            kind = type(item)
            if kind is Apply:
                args = item.args
                if len(args) == 1:
                    if type(args[0]) is not Apply:
                        results.append(operation(item, leaf(args[0]), NONE))
                        continue
                elif type(args[0]) is not Apply and type(args[1]) is not Apply:
                    a = leaf(args[0])
                    results.append(operation(item, a, leaf(args[1])))
                    continue
                work.append((item,))  # revisit once its operands are built
                work.extend(reversed(args))
            elif kind is tuple:
                apply = item[0]
                if len(apply.args) == 1:
                    a, b = results.pop(), NONE
                else:
                    b = results.pop()
                    a = results.pop()
                results.append(operation(apply, a, b))
            else:
                results.append(leaf(item))
        return results[0]

    def leaf(self, item) -> int:
        kind = type(item)
        if kind is Name:
            return self.name(item)
        if kind is Num:
            return self.constant(item.value, item.text, item.start, item.end)
        raise EngineError("unnamed_parameter",
                          "a parameter needs a name of its own: write W = param(3, 4) on its "
                          "own line, then use W", item.start, item.end)

    def name(self, item: Name) -> int:
        return self.name_at(item.name, item.start, item.end)

    def name_at(self, name: str, start: int, end: int) -> int:
        """What a name written at [start, end) means: a statement's node, a constant (pi), or
        a variable (an occurrence more)."""
        node = self.bound.get(name)
        if node is not None:
            return node
        if name in CONSTANTS:
            return self.constant(CONSTANTS[name], name, start, end)
        index = self.variables.get(name)
        if index is None:
            self.count_node(start, end)
            index = self.variables[name] = len(self.variables)
            self.occurrences.append(array("i"))
        self.occurrences[index].extend((start, end))
        return -(index + 2)

    def check_rebinding(self, statement: Statement) -> None:
        """A parameter is known by its name (its value is sent and returned under it), so its
        name is assigned once, by its param(), and is not an input before that."""
        target, start = statement.target, statement.start
        end = start + len(target)
        if target in self.parameter_names:
            raise EngineError("parameter_rebound",
                              f"{quoted(target)} already names a parameter, and a parameter is known by "
                              f"its name; call this value something else", start, end)
        if type(statement.expr) is Param and (target in self.bound or target in self.variables):
            used = "assigned" if target in self.bound else "used as an input"
            raise EngineError("parameter_rebound",
                              f"{quoted(target)} is already {used} above; a parameter needs a name of "
                              f"its own", start, end)

    def parameter(self, statement: Statement) -> int:
        if statement.target is None:
            raise EngineError("unnamed_parameter",
                              "a parameter needs a name of its own: write W = param(3, 4)",
                              statement.expr.start, statement.expr.end)
        leaf = statement.expr
        node = self.new(PARAM, None, NONE, NONE, statement.target, leaf.start, leaf.end)
        self.parameters[node] = (statement.target, leaf.shape)
        self.parameter_names.add(statement.target)
        self.uses_tensors = True
        return node

    def constant(self, value, text: str, start: int, end: int) -> int:
        if type(value) is not float:  # a vector or matrix literal
            node = self.new(CONST, None, NONE, NONE, text, start, end)
            self.tensor_constants[node] = value
            self.uses_tensors = True
            return node
        if self.merge:
            key = ("const", value, text)
            if key in self.seen:
                return self.seen[key]
        written = self.source[start:end]
        spelled = written if written == text else "".join(written.split())
        node = self.new(CONST, None, NONE, NONE, None if spelled == text else text, start, end)
        self.const_nodes.append(node)
        self.const_values.append(value)
        if self.merge:
            self.seen[key] = node
        return node

    def negated(self, node: int, value: float, text: str, start: int) -> None:
        """The number literal just made, under a prefix minus that folds into it (-2 is the
        number minus two, as parser.prefix reads it): its value, text and start change."""
        assert self.const_nodes[-1] == node
        self.const_values[-1] = value
        self.starts[node] = start
        written = self.source[start:self.ends[node]]
        spelled = written if written == text else "".join(written.split())
        self.labels[node] = None if spelled == text else text

    def op_node(self, op: Operator, a: int, b: int, start: int, end: int) -> int:
        """An operation read straight into the graph (fast_graph.py): never merged, never
        tensor-only, no integer argument. The registry's entry, as operation() takes it."""
        return self.new(OP, OPERATORS[op.name], a, b, None, start, end)

    def operation(self, apply: Apply, a: int, b: int) -> int:
        if self.merge:
            key = (apply.op, a, b, apply.param)
            if key in self.seen:
                return self.seen[key]
        op = OPERATORS[apply.op]
        node = self.new(OP, op, a, b, None, apply.start, apply.end)
        if apply.param is not None:
            self.op_params[node] = apply.param
        if op.tensor_only:
            self.uses_tensors = True
        if self.merge:
            self.seen[key] = node
        return node

    def new(self, kind: str, op: Operator | None, a: int, b: int, label: str | None,
            start: int, end: int) -> int:
        node = len(self.kinds)
        if node + len(self.variables) >= self.max_nodes:
            self.count_node(start, end)
        self._add_kind(kind)
        self._add_op(op)
        self._add_a(a)
        self._add_b(b)
        self._add_label(label)
        self._add_start(start)
        self._add_end(end)
        return node

    def count_node(self, start: int, end: int) -> None:
        if len(self.kinds) + len(self.variables) >= self.max_nodes:
            raise EngineError("too_many_nodes",
                              f"the graph would have more than {self.max_nodes:,} nodes", start, end)

    def finish(self, statements: Statements) -> Graph:
        """Renumber (variables first) and derive the edges and requires_grad, with numpy
        where a step has no order to keep."""
        shift = len(self.variables)
        operand_a = _renumbered(self.operand_a, shift)
        operand_b = _renumbered(self.operand_b, shift)
        starts = array("i", [occ[0] for occ in self.occurrences]) + self.starts
        ends = array("i", [occ[1] for occ in self.occurrences]) + self.ends
        kinds = [INPUT] * shift + self.kinds
        first_edge, edge_targets, edge_operands = _edges(operand_a, operand_b)
        requires = bytearray(len(kinds))
        requires[:shift] = b"\x01" * shift
        for node in self.parameters:
            requires[node + shift] = 1
        # in id order, a topological order: an operation needs a gradient if an operand does
        for node, a, b in zip(range(shift, len(kinds)), operand_a[shift:], operand_b[shift:], strict=True):
            if a != NONE:
                requires[node] = requires[a] | requires[b] if b != NONE else requires[a]
        statements.nodes = _renumbered(statements.nodes, shift, padding=0)
        return Graph(
            kinds=kinds, ops=[None] * shift + self.ops, operand_a=operand_a, operand_b=operand_b,
            labels=[*self.variables, *self.labels], starts=starts, ends=ends,
            const_nodes=array("i", (node + shift for node in self.const_nodes)),
            const_values=self.const_values, variables=list(self.variables),
            occurrences=self.occurrences, output=statements.nodes[-1], statements=statements,
            requires_grad=requires, first_edge=first_edge, edge_targets=edge_targets,
            edge_operands=edge_operands, source=self.source,
            parameters={node + shift: named for node, named in self.parameters.items()},
            tensor_constants={node + shift: v for node, v in self.tensor_constants.items()},
            op_params={node + shift: p for node, p in self.op_params.items()},
            uses_tensors=self.uses_tensors,
        )


SMALL = 64  # below this many nodes plain Python beats numpy's per-call cost (the lecture's graphs)


def _renumbered(ids: array, shift: int, padding: int | None = None) -> array:
    """Provisional ids as final ones (variable k is -(k+2), every other node moves up by
    `shift`), after `shift` NONE entries for the variables (or `padding` of them)."""
    pad = shift if padding is None else padding
    if len(ids) < SMALL:
        return array("i", [NONE] * pad + [i + shift if i >= 0 else i if i == NONE else -2 - i for i in ids])
    provisional = np.frombuffer(ids, dtype=np.intc)
    out = np.full(pad + len(provisional), NONE, dtype=np.intc)
    body = out[len(out) - len(provisional):]
    body[:] = provisional
    np.add(provisional, shift, out=body, where=provisional >= 0)
    np.subtract(-2, provisional, out=body, where=provisional < NONE)
    renumbered = array("i")
    renumbered.frombytes(out.tobytes())
    return renumbered


def _edges(operand_a: array, operand_b: array) -> tuple[array, array, array]:
    """(first edge of each node, each edge's target, its operand): node i's operands in order."""
    if len(operand_a) < SMALL:
        first, targets, operands = array("i"), array("i"), array("b")
        for node, pair in enumerate(zip(operand_a, operand_b, strict=True)):
            first.append(len(targets))
            present = [operand for operand in pair if operand != NONE]
            targets.extend([node] * len(present))
            operands.extend(range(len(present)))
        return first, targets, operands
    count = (np.frombuffer(operand_a, dtype=np.intc) != NONE).astype(np.intc)
    count += np.frombuffer(operand_b, dtype=np.intc) != NONE
    first = np.zeros(len(count), dtype=np.intc)
    np.cumsum(count[:-1], out=first[1:])
    targets = np.repeat(np.arange(len(count), dtype=np.intc), count)
    operands = (np.arange(len(targets), dtype=np.intc) - first[targets]).astype(np.int8)
    out = array("i"), array("i"), array("b")
    for column, values in zip(out, (first, targets, operands), strict=True):
        column.frombytes(values.tobytes())
    return out
