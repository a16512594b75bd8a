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
    return _Builder(limits or Limits(), merge, source).build(statements)


class _Builder:
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

    def build(self, program: Iterable[Statement]) -> Graph:
        statements = Statements()
        for statement in program:
            if statement.target is not None:
                self.check_rebinding(statement)
            if type(statement.expr) is Param:
                node = self.parameter(statement)
            else:
                node = self.expression(statement.expr)
            if statement.target is not None:
                self.bound[statement.target] = node
                if node >= 0 and self.kinds[node] is OP and self.labels[node] is None:
                    self.labels[node] = statement.target
            statements.targets.append(statement.target)
            statements.nodes.append(node)
            statements.starts.append(statement.start)
            statements.ends.append(statement.end)
        return self.finish(statements)

    def expression(self, root) -> int:
        results: list[int] = []
        work: list = [root]
        while work:
            item = work.pop()
            if type(item) is Apply:
                work.append((item,))  # revisit once its operands are built
                work.extend(reversed(item.args))
            elif type(item) is tuple:
                apply = item[0]
                if len(apply.args) == 1:
                    a, b = results.pop(), NONE
                else:
                    b = results.pop()
                    a = results.pop()
                results.append(self.operation(apply, a, b))
            elif type(item) is Num:
                results.append(self.constant(item.value, item.text, item.start, item.end))
            elif type(item) is Param:
                raise EngineError("unnamed_parameter",
                                  "a parameter needs a name of its own: write W = param(3, 4) on its "
                                  "own line, then use W", item.start, item.end)
            else:
                results.append(self.name(item))
        return results[0]

    def name(self, item: Name) -> int:
        node = self.bound.get(item.name)
        if node is not None:
            return node
        if item.name in CONSTANTS:
            return self.constant(CONSTANTS[item.name], item.name, item.start, item.end)
        index = self.variables.get(item.name)
        if index is None:
            self.count_node(item.start, item.end)
            index = self.variables[item.name] = len(self.variables)
            self.occurrences.append(array("i"))
        self.occurrences[index].extend((item.start, item.end))
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
        spelled = "".join(self.source[start:end].split())
        node = self.new(CONST, None, NONE, NONE, None if spelled == text else text, start, end)
        self.const_nodes.append(node)
        self.const_values.append(value)
        if self.merge:
            self.seen[key] = node
        return node

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
        self.kinds.append(kind)
        self.ops.append(op)
        self.operand_a.append(a)
        self.operand_b.append(b)
        self.labels.append(label)
        self.starts.append(start)
        self.ends.append(end)
        return node

    def count_node(self, start: int, end: int) -> None:
        if len(self.kinds) + len(self.variables) >= self.max_nodes:
            raise EngineError("too_many_nodes",
                              f"the graph would have more than {self.max_nodes:,} nodes", start, end)

    def finish(self, statements: Statements) -> Graph:
        shift = len(self.variables)

        def renumber(ids: array) -> array:
            # In place, to keep peak memory down on big graphs.
            for i, p in enumerate(ids):
                if p != NONE:
                    ids[i] = -p - 2 if p < 0 else p + shift
            return ids

        padding = array("i", [NONE]) * shift
        operand_a = padding + renumber(self.operand_a)
        operand_b = padding + renumber(self.operand_b)
        starts = array("i", [occ[0] for occ in self.occurrences]) + self.starts
        ends = array("i", [occ[1] for occ in self.occurrences]) + self.ends
        kinds = [INPUT] * shift + self.kinds
        requires = bytearray(len(kinds))
        requires[:shift] = b"\x01" * shift
        for node in self.parameters:
            requires[node + shift] = 1
        first_edge, edge_targets, edge_operands = array("i"), array("i"), array("b")
        for node in range(len(kinds)):
            first_edge.append(len(edge_targets))
            a = operand_a[node]
            if a != NONE:
                b = operand_b[node]
                edge_targets.append(node)
                edge_operands.append(0)
                if b != NONE:
                    edge_targets.append(node)
                    edge_operands.append(1)
                    requires[node] = requires[a] | requires[b]
                else:
                    requires[node] = requires[a]
        renumber(statements.nodes)
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
