import copy, json, random
import pytest
from questionnaires.demo import DEMO_QUESTIONNAIRE_PATH
from questionnaires.interchange import InterchangeError, questionnaire_import, questionnaire_validate, structure_from_document, questionnaire_export

BASE = json.loads(DEMO_QUESTIONNAIRE_PATH.read_text())
WEIRD = [None, True, 0, -1, 2**70, 1.5, float("nan"), "", "x", "\x00", "\ud800", [], {}, [1], {"a": 1},
         "00000000-0000-4000-8000-000000000000", "ABCDEFAB-0000-4000-8000-000000000000", [None], [{}], {"nested": []},
         {"field": "x", "operator": "eq"}, {"logicalOp": "XOR", "nested": [{}]}]

def nodes(value, path=()):
    yield path, value
    if isinstance(value, dict):
        for k, v in value.items():
            yield from nodes(v, path + (k,))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from nodes(v, path + (i,))

def mutate(doc, rng):
    all_nodes = [p for p, _ in nodes(doc) if p]
    for _ in range(rng.randint(1, 8)):
        path = rng.choice(all_nodes)
        parent = doc
        try:
            for k in path[:-1]:
                parent = parent[k]
            choice = rng.random()
            if choice < 0.15 and isinstance(parent, dict):
                del parent[path[-1]]
            elif choice < 0.3:
                # swap in another node's value (e.g. an id from elsewhere)
                other = rng.choice(all_nodes)
                src = doc
                for k in other:
                    src = src[k]
                parent[path[-1]] = copy.deepcopy(src)
            else:
                parent[path[-1]] = copy.deepcopy(rng.choice(WEIRD))
        except (KeyError, IndexError, TypeError):
            pass
    return doc

@pytest.mark.django_db
@pytest.mark.parametrize("seed", range(400, 2400))
def test_fuzz(seed):
    rng = random.Random(seed)
    doc = mutate(copy.deepcopy(BASE), rng)
    problems = questionnaire_validate(doc)
    try:
        q = questionnaire_import(doc)
    except InterchangeError as exc:
        assert exc.problems
        return
    assert not problems
    structure_from_document(doc).engine().evaluate({})
    questionnaire_export(q)
