"""``rebuild_search``: every statement's terms written again, and ``--check`` that finds the
stale ones."""

import pytest
from django.core.management import CommandError, call_command

from policies.models import StatementSearch
from tests.factories import StatementFactory

pytestmark = pytest.mark.django_db


def test_check_finds_stale_terms_and_a_rebuild_writes_them_again(empty_db, capsys):
    statement = StatementFactory(headline="Quantum networks")
    call_command("rebuild_search", "--check")
    assert "match" in capsys.readouterr().out
    # As after a stemmer upgrade: the stored terms are not what they would be written as.
    StatementSearch.objects.filter(statement=statement).update(document="old terms")
    with pytest.raises(CommandError, match="1 statements have stale search terms"):
        call_command("rebuild_search", "--check")
    call_command("rebuild_search")
    call_command("rebuild_search", "--check")
    assert "quantum" in StatementSearch.objects.get(statement=statement).document.split()
