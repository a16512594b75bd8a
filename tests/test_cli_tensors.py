"""The CLI on tensors: a table with shapes and small tensors' numbers, tensor values as JSON,
and every user error (a program too large, out of memory, a bad port) a message and status 2."""

from __future__ import annotations

import os
import subprocess
import sys

import orjson
import pytest
from compgraph.app.cli import main
from compgraph.app.examples import EXAMPLES

TENSOR_EXAMPLES = [example for example in EXAMPLES
                   if "param(" in example["source"] or any(isinstance(v, list) for v in example["values"].values())]


def run(capsys, *argv: str) -> tuple[int, str, str]:
    status = main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


def value_arguments(values: dict) -> list[str]:
    return [f"{name}={orjson.dumps(value).decode()}" for name, value in values.items()]


def test_there_are_tensor_examples():
    assert len(TENSOR_EXAMPLES) >= 4


@pytest.mark.parametrize("example", TENSOR_EXAMPLES, ids=lambda example: example["id"])
def test_each_tensor_example_prints_a_table(capsys, example):
    status, out, err = run(capsys, "eval", example["source"], *value_arguments(example["values"]))
    assert (status, err) == (0, "")
    lines = out.splitlines()
    assert lines[0].split() == ["node", "kind", "op", "inputs", "shape", "value", "gradient"]
    rows = lines[2:lines.index("")]
    assert [row.split()[0] for row in rows] == [str(i) for i in range(len(rows))]
    assert any("×" in row for row in rows)  # a matrix's shape


def test_a_small_tensor_shows_its_numbers_and_a_large_one_its_range(capsys):
    status, out, _ = run(capsys, "eval", "W @ x", "W=[[1, 2], [3, 4]]", "x=[1, -1]")
    assert status == 0
    lines = out.splitlines()
    assert lines[2].split() == ["0", "input", "W", "2×2", "[[1,", "2],", "[3,", "4]]", "[[1,", "-1],", "[1,",
                                "-1]]"]
    assert lines[4].split() == ["2", "op", "@", "0,1", "2", "[-1,", "-1]", "[1,", "1]"]
    status, out, _ = run(capsys, "eval", "sum(x)", f"x={[0.5] * 100}")
    assert status == 0
    assert "[100: 0.5 … 0.5]" in out


def test_a_tensor_value_is_json(capsys):
    status, out, _ = run(capsys, "eval", "sum(X)", "X=[[0,0],[0,1]]")
    assert status == 0
    assert "f = 1" in out.splitlines()


def test_a_value_that_is_neither_a_number_nor_json_lists_is_status_2(capsys):
    status, out, err = run(capsys, "eval", "sum(X)", "X=[[0,0],[0,1]")
    assert (status, out) == (2, "")
    assert err.startswith("compgraph: the value of 'X' is not a number, nor a vector or matrix in JSON")


def test_a_ragged_matrix_is_the_engines_error(capsys):
    status, _, err = run(capsys, "eval", "sum(X)", "X=[[0,0],[0]]")
    assert status == 2
    assert err.startswith("error[non_numeric_value]")


def test_a_program_too_large_is_refused_with_a_caret(capsys):
    status, out, err = run(capsys, "eval", "W=param(20000,20000); sum(W)")
    assert (status, out) == (2, "")
    assert err.splitlines() == [
        "error[tensor_too_large]: W = param(20000,20000) holds 400,000,000 numbers; the limit is "
        "4,000,000 per tensor",
        "1 | W=param(20000,20000); sum(W)",
        "      ^^^^^^^^^^^^^^^^^^"]


def cli(*argv: str, prelude: str = "", env: dict | None = None) -> subprocess.CompletedProcess:
    code = f"import sys\n{prelude}\nfrom compgraph.app.cli import main\nsys.exit(main(sys.argv[1:]))"
    return subprocess.run([sys.executable, "-c", code, *argv], capture_output=True, text=True, timeout=60,
                          env={**os.environ, **(env or {})})


def test_running_out_of_memory_is_a_message_and_status_2():
    # Within the engine's limits, but not within the 30 MB more this process may have.
    cap = ("import resource, os\n"
           "from compgraph import engine\n"
           "vm = int(open('/proc/self/statm').read().split()[0]) * os.sysconf('SC_PAGE_SIZE')\n"
           "resource.setrlimit(resource.RLIMIT_AS, (vm + 30 * 2**20, resource.RLIM_INFINITY))")
    done = cli("eval", "W = param(1000, 1000); L = sum(W * W)", prelude=cap)
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr.startswith("compgraph: out of memory")
    assert "Traceback" not in done.stderr


@pytest.mark.parametrize(("argv", "env", "message"), [
    (["serve", "--port", "99999"], {}, "argument --port: '99999' is not a TCP port (0 to 65535)"),
    (["serve", "--port", "http"], {}, "argument --port: 'http' is not a TCP port (0 to 65535)"),
    (["serve"], {"COMPGRAPH_PORT": "99999"}, "COMPGRAPH_PORT: Input should be less than or equal to 65535"),
])
def test_serve_with_a_bad_port_is_a_message_and_status_2(argv, env, message):
    done = cli(*argv, env=env)
    assert done.returncode == 2
    assert message in done.stderr
    assert "Traceback" not in done.stderr
