"""The compgraph command line: table, JSON, and errors with a caret and status 2."""

from __future__ import annotations

import json

from compgraph.app.cli import main


def run(capsys, *argv: str) -> tuple[int, str, str]:
    status = main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


def test_table_shows_nodes_and_gradients(capsys):
    status, out, _ = run(capsys, "eval", "q = x + y; f = q * z", "x=-2", "y=5", "z=-4")
    assert status == 0
    lines = out.splitlines()
    assert lines[0].split() == ["node", "kind", "op", "inputs", "value", "gradient"]
    assert lines[5].split() == ["3", "op", "+", "q", "0,1", "3", "-4"]
    assert lines[6].split() == ["4", "op", "×", "f", "3,2", "-12", "1"]
    assert "f = -12" in lines
    assert any(line.startswith("∂f/∂x = -4 ") for line in lines)
    assert any(line.startswith("∂f/∂z = 3 ") for line in lines)


def test_steps_read_like_the_lecture(capsys):
    status, out, _ = run(capsys, "eval", "--steps", "q = x + y; f = q * z", "x=-2", "y=5", "z=-4")
    assert status == 0
    assert "forward   q = x + y = -2 + 5 = 3" in out
    assert "backward  ∂f/∂x += ∂f/∂q · ∂q/∂x = -4 · 1 [1] = -4" in out


def test_json_is_the_engine_contract(capsys):
    status, out, _ = run(capsys, "eval", "--json", "(x+y)*z", "x=-2", "y=5", "z=-4")
    assert status == 0
    result = json.loads(out)
    assert result["value"] == -12
    assert result["gradients"] == {"x": -4, "y": -4, "z": 3}


def test_user_error_prints_a_caret_and_exits_2(capsys):
    status, out, err = run(capsys, "eval", "log(x1*x2)*sni(x2)", "x1=1", "x2=2")
    assert status == 2
    assert out == ""
    assert err == (
        "error[unknown_function]: unknown function 'sni'; did you mean 'sin'?\n"
        "1 | log(x1*x2)*sni(x2)\n"
        "               ^^^\n"
    )


def test_missing_value_points_at_the_variable(capsys):
    status, _, err = run(capsys, "eval", "x * y", "x=1")
    assert status == 2
    assert err.splitlines()[1:] == ["1 | x * y", "        ^"]


def test_bad_value_argument(capsys):
    status, _, err = run(capsys, "eval", "x", "x=abc")
    assert status == 2
    assert "not a number" in err
