"""scripts/mutants finds each mutant's text by content: a refactor that changes that text would
leave the mutant unusable until someone runs the script. This checks, in every `make test`, that
each mutant's text occurs exactly once and that each test meant to catch it exists."""

import pathlib
import re
from importlib.machinery import SourceFileLoader
from importlib.util import module_from_spec, spec_from_loader

import pytest

REPO = pathlib.Path(__file__).resolve().parents[2]
_loader = SourceFileLoader("mutants", str(REPO / "scripts" / "mutants"))
_module = module_from_spec(spec_from_loader("mutants", _loader))
_loader.exec_module(_module)
MUTANTS = _module.MUTANTS


@pytest.mark.parametrize("mutant", MUTANTS, ids=[m.name for m in MUTANTS])
def test_each_mutant_still_applies_and_its_tests_exist(mutant):
    source = (REPO / mutant.path).read_text(encoding="utf-8")
    assert source.count(mutant.original) == 1, (
        f"{mutant.path} no longer holds this text exactly once; update scripts/mutants: "
        f"{mutant.original!r}")
    assert mutant.replacement != mutant.original
    assert mutant.tests, "a mutant names the tests that must catch it"
    for node in mutant.tests:
        path, _, name = node.partition("::")
        test_source = (REPO / path).read_text(encoding="utf-8")
        function = name.split("[")[0]
        assert re.search(rf"^def {re.escape(function)}\(", test_source, re.M), node
