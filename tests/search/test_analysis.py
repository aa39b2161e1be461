"""How text becomes search terms and a query becomes what to look for (pure: no database)."""

from policies.search import analysis, highlight, parse
from policies.search.analysis import Query


def test_words_are_folded_split_and_kept_in_order():
    assert analysis.words("L'Économie NUMÉRIQUE, œuvre 5G!") == [
        "l",
        "economie",
        "numerique",
        "oeuvre",
        "5g",
    ]
    # What folding breaks apart is split again: every term is letters and digits only.
    assert analysis.words("½") == ["1", "2"]


def test_chinese_is_indexed_by_overlapping_pairs():
    pairs = ["推动", "动核", "核心", "心产", "产业", "业发", "发展"]
    assert analysis.words("推动核心产业发展") == [*pairs, "展"]  # and the run's last character
    assert analysis.words("数") == ["数"]
    # Latin letters and digits beside Chinese are words of their own.
    assert analysis.words("5G网络") == ["5g", "网络", "络"]


def test_stems_follow_the_language_of_the_text():
    assert analysis.stems("monopolies", "en") == {"monopoli"}
    assert analysis.stems("monopoles", "fr") == {"monopol"}
    assert analysis.stems("numérique", "fr") == {"numer"}
    assert analysis.stems("数字经济", "zh") == set()  # no stemmer: the words stand alone


def test_a_document_holds_words_then_new_stems_then_tags():
    document = analysis.document(
        [("Monopolies grow", "en"), ("les monopoles", "fr")], tags=["zzt3"]
    ).split()
    assert document[:4] == ["monopolies", "grow", "les", "monopoles"]
    assert set(document[4:-1]) == {"monopoli", "le", "monopol"}  # "grow" is its own stem
    assert document[-1] == "zzt3"


def test_a_query_word_brings_its_folded_form_and_both_stems():
    query = parse("Monopoly NUMÉR")
    assert query.words == (("monopoly", "monopoli"), ("numer",))
    assert query.phrases == ()


def test_quoted_text_is_a_phrase_and_a_lone_quote_is_ignored():
    assert parse('"expansion désordonnée" capital').phrases == (("expansion", "desordonnee"),)
    assert parse("« expansion désordonnée »").phrases == (("expansion", "desordonnee"),)
    unbalanced = parse('"expansion désordonnée')
    assert unbalanced.phrases == ()
    assert [forms[0] for forms in unbalanced.words] == ["expansion", "desordonnee"]
    assert parse('a "b" "c').phrases == (("b",),)


def test_a_chinese_word_is_the_phrase_of_its_pairs():
    assert parse("核心产业").phrases == (("核心", "心产", "产业"),)
    assert parse("产业").words == (("产业",),)  # one pair: matched as the start of a term


def test_operators_and_control_characters_are_only_separators():
    for text in ["NEAR(a b)", "a* -b", "a & b | !c", "\x00a\x07b\x1b", "a:*", "(a) OR b"]:
        query = parse(text)
        terms = [t for forms in query.words for t in forms] + [
            t for phrase in query.phrases for t in phrase
        ]
        assert all(analysis.TOKEN.fullmatch(term) for term in terms), text
    assert not parse('*-"()":*')


def test_a_long_query_is_cut_to_a_bounded_number_of_terms():
    query = parse("word " * 2000 + "核心产业" * 500)
    assert sum(len(p) for p in query.phrases) + len(query.words) <= analysis.MAX_TERMS


def test_highlighting_marks_stems_prefixes_and_phrases_and_escapes_the_rest():
    text = "<b>Monopolies</b> & l'expansion désordonnée du capital"
    assert str(highlight(text, parse("monopoly"))) == (
        "&lt;b&gt;<mark>Monopolies</mark>&lt;/b&gt; &amp; l&#x27;expansion désordonnée du capital"
    )
    marked = str(highlight(text, parse('"expansion désordonnée"')))
    assert "<mark>expansion désordonnée</mark>" in marked
    assert str(highlight("l’économie numérique", parse("numér"))) == (
        "l’économie <mark>numérique</mark>"
    )
    assert str(highlight("推动核心产业发展", parse("核心产业"))) == "推动<mark>核心产业</mark>发展"
    assert str(highlight("<script>", Query())) == "&lt;script&gt;"
