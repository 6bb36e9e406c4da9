"""Is assignment 4 fair to the last point, graded by the real nbgrader?

One temporary course grades, in one ``nbgrader autograde`` run: the solution,
a correct answer in a second style (a DataLoader and Adam instead of
``torch.randperm`` and SGD, gathers and ``einsum`` in the augmentations), and
the mistakes students make, each an edit of the solution. Both correct answers
score every point once the two written answers are graded by hand; each
mistake loses exactly the points of the parts it gets wrong (and of none
built on them), with a one-line message that says what is wrong first.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from tests.assignments.course import SOLUTIONS, Course, answer, checked, make, nbgrader, new_course, notebook_of, submit

ASSIGNMENT = "a4_train_a_convnet"
WRITTEN = ("answer_flip", "answer_freeze")  # the answers graded by hand, 1 and 2 points

SECOND_STYLE = {
    "lenet5": '''
class LeNet5(nn.Module):
    """LeNet-5 built from a list of layers."""

    def __init__(self, num_classes=10, in_channels=1):
        super().__init__()
        layers = []
        for c_in, c_out, pad in [(in_channels, 6, 2), (6, 16, 0)]:
            layers += [nn.Conv2d(c_in, c_out, 5, stride=1, padding=pad), nn.ReLU(inplace=True), nn.MaxPool2d(kernel_size=2)]
        self.features = nn.Sequential(*layers)
        sizes = [16 * 5 * 5, 120, 84]
        hidden = []
        for a, b in zip(sizes, sizes[1:]):
            hidden += [nn.Linear(a, b), nn.ReLU()]
        self.classifier = nn.Sequential(nn.Flatten(start_dim=1), *hidden, nn.Linear(84, num_classes))

    def forward(self, x):
        x = self.features(x)
        return self.classifier(x)
''',
    "random_crop": '''
def random_crop(x, size, generator):
    N, C, H, W = x.shape
    top = torch.randint(0, H - size + 1, (N,), generator=generator)
    left = torch.randint(0, W - size + 1, (N,), generator=generator)
    rows = (top[:, None] + torch.arange(size))[:, None, :, None].expand(N, C, size, W)
    x = torch.gather(x, 2, rows)
    cols = (left[:, None] + torch.arange(size))[:, None, None, :].expand(N, C, size, size)
    return torch.gather(x, 3, cols)
''',
    "horizontal_flip": '''
def horizontal_flip(x, p, generator):
    flip = torch.rand(x.shape[0], generator=generator) < p
    out = x.clone()
    out[flip] = torch.flip(x[flip], dims=[3])
    return out
''',
    "pca_color_jitter": '''
def pca_color_jitter(x, eigenvalues, eigenvectors, std, generator):
    alpha = std * torch.randn(x.shape[0], 3, generator=generator, dtype=torch.float64)
    offsets = torch.einsum("ij,nj->ni", eigenvectors, alpha * eigenvalues)
    return x + offsets.to(dtype=x.dtype).view(-1, 3, 1, 1)
''',
    "lenet5bn": '''
class LeNet5BN(nn.Module):
    def __init__(self, p_dropout, num_classes=10, in_channels=1):
        super().__init__()

        def conv(c_in, c_out, pad):
            return [nn.Conv2d(c_in, c_out, 5, padding=pad), nn.BatchNorm2d(c_out), nn.ReLU(), nn.MaxPool2d(2)]

        def fc(n_in, n_out):
            return [nn.Linear(n_in, n_out), nn.BatchNorm1d(n_out), nn.ReLU(), nn.Dropout(p=p_dropout)]

        self.features = nn.Sequential(*conv(in_channels, 6, 2), *conv(6, 16, 0))
        self.classifier = nn.Sequential(nn.Flatten(), *fc(400, 120), *fc(120, 84), nn.Linear(84, num_classes))

    def forward(self, x):
        return self.classifier(self.features(x))
''',
    "train": '''
from torch.utils.data import DataLoader


def train(model, train_data, val_data, epochs, batch_size, lr, generator):
    loader = DataLoader(train_data, batch_size=batch_size, shuffle=True, generator=generator)
    optimizer = torch.optim.Adam(model.parameters(), lr=lr, weight_decay=1e-5)
    history = {"train_loss": [], "val_accuracy": []}
    for epoch in range(epochs):
        model.train()
        loss_sum, seen = 0.0, 0
        for x, y in loader:
            optimizer.zero_grad(set_to_none=True)
            loss = nn.CrossEntropyLoss()(model(x), y)
            loss.backward()
            optimizer.step()
            loss_sum += loss.item() * y.shape[0]
            seen += y.shape[0]
        model.eval()
        correct = 0
        with torch.no_grad():
            for x, y in DataLoader(val_data, batch_size=256):
                correct += int((model(x).argmax(dim=1) == y).sum())
        history["train_loss"].append(loss_sum / seen)
        history["val_accuracy"].append(correct / len(val_data))
    return history
''',
    "hyperparameters": '''
hyperparameters = dict(epochs=10, batch_size=50, lr=2e-3, p_dropout=0.3)
''',
    "freeze": '''
def freeze_features(model):
    model.features.requires_grad_(False)
    return sum(p.numel() for p in model.parameters() if p.requires_grad)
''',
}


@dataclass(frozen=True)
class Mistake:
    """A realistic mistake, made by editing the solution: the only test cell it must fail and what its message says."""

    student: str
    edits: tuple[tuple[str, str, str], ...]  # (answer cell's grade_id, old text, new text)
    failed: str  # the test cell that loses its points; no other may
    says: str  # the opening of that cell's error message
    visible: bool = True  # whether the student's own run of the visible tests already shows it


BN_AFTER_RELU = tuple(("lenet5bn", f"nn.BatchNorm{d}({c}), nn.ReLU()", f"nn.ReLU(), nn.BatchNorm{d}({c})")
                      for d, c in [("2d", 6), ("2d", 16), ("1d", 120), ("1d", 84)])
DRAWS = ("    top = torch.randint(0, H - size + 1, (N,), generator=generator)\n",
         "    left = torch.randint(0, W - size + 1, (N,), generator=generator)\n")
SHUFFLE = "        order = torch.randperm(len(images), generator=generator)\n"
EPOCH = "    for _ in range(epochs):\n        model.train()\n"
ONE_OPTIMIZER = ("    optimizer = torch.optim.SGD(model.parameters(), lr=lr, momentum=0.9)\n"
                 "    steps = epochs * -(-len(images) // batch_size)\n"
                 "    schedule = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=steps)\n")

MISTAKES = (
    # The review's case: float64 offsets crashed the hidden allclose before any dtype check and cost all 4 points.
    Mistake("pca-offsets-float64",
            (("pca_color_jitter", "return x + offsets.to(x.dtype)[:, :, None, None]", "return x + offsets[:, :, None, None]"),),
            "test_pca_color_jitter", "pca_color_jitter(x float32, std=0.1) returned dtype torch.float64, expected torch.float32 "
            "(x's dtype): convert the offsets with .to(x.dtype)"),
    Mistake("crop-left-drawn-first", (("random_crop", DRAWS[0] + DRAWS[1], DRAWS[1] + DRAWS[0]),),
            "test_random_crop", "random_crop(x of shape (4, 3, 32, 30), 24) is wrong: largest difference"),
    Mistake("flip-upside-down", (("horizontal_flip", "x.flip(-1)", "x.flip(-2)"),),
            "test_horizontal_flip", "horizontal_flip(x, p=1) is wrong: largest difference"),
    Mistake("bn-after-relu", BN_AFTER_RELU, "test_lenet5bn",
            "LeNet5BN(0.3).features is [Conv2d, ReLU, BatchNorm2d, MaxPool2d, Conv2d, ReLU, BatchNorm2d, MaxPool2d], "
            "expected [Conv2d, BatchNorm2d, ReLU, MaxPool2d"),
    # Passes the visible test, which asks for p = 0.3; the hidden ones ask for other values.
    Mistake("dropout-p-fixed",
            tuple(("lenet5bn", f"nn.Dropout(p_dropout),\n{' ' * 12}nn.Linear({n}", f"nn.Dropout(0.3),\n{' ' * 12}nn.Linear({n}")
                  for n in ("120", "84")),
            "test_lenet5bn", "LeNet5BN(0.4, 10, 1)'s dropout probabilities are (0.3, 0.3), expected (0.4, 0.4): use p_dropout",
            visible=False),
    Mistake("freeze-classifier-too",
            (("freeze", "for parameter in model.features.parameters():", "for parameter in model.parameters():"),),
            "test_freeze", "freeze_features froze classifier parameters ['classifier.1.weight'"),
    Mistake("shuffle-once",
            (("train", "    for _ in range(epochs):\n        model.train()\n" + SHUFFLE,
              SHUFFLE[4:] + "    for _ in range(epochs):\n        model.train()\n"),),
            "test_train_batches", "two epochs visit the images in the same order: draw a new order each epoch"),
    # Issue 22: caught before, with torch's "mat1 and mat2 shapes cannot be multiplied"; now named.
    Mistake("lenet-no-padding",
            (("lenet5", "nn.Conv2d(in_channels, 6, kernel_size=5, padding=2)", "nn.Conv2d(in_channels, 6, kernel_size=5)"),),
            "test_lenet5", "LeNet5().features gives 256 values per 28x28 image, expected 16*5*5 = 400. "
            "Likely mistake: your first conv has no padding"),
    Mistake("crop-bounds-swapped",
            (("random_crop", DRAWS[0] + DRAWS[1], DRAWS[0].replace("H -", "W -") + DRAWS[1].replace("W -", "H -")),),
            "test_random_crop", "random_crop(x of shape (4, 3, 32, 30), 24) raised RuntimeError: "),
    # Issue 22: compared with x.flip(-1) after x had changed, it was "wrong"; now "x unchanged" is checked first.
    Mistake("flip-in-place", (("horizontal_flip", "    return torch.where(flip[:, None, None, None], x.flip(-1), x)",
                               "    x[flip] = x[flip].flip(-1)\n    return x"),),
            "test_horizontal_flip", "horizontal_flip changed x in place: return a new tensor and leave x unchanged"),
    # Issue 22: a new optimizer every epoch lost nothing.
    Mistake("optimizer-per-epoch", (("train", ONE_OPTIMIZER, ""), ("train", "            schedule.step()\n", ""),
                                    ("train", EPOCH, EPOCH + "    " + ONE_OPTIMIZER.split("\n")[0] + "\n")),
            "test_train_batches",
            "train created 3 optimizers for 3 epochs, expected one for the whole run. Likely mistake: a new optimizer"),
    Mistake("loss-kept-as-tensor", (("train", "total += loss.item() * len(batch)", "total += loss * len(batch)"),),
            "test_train_history", "history['train_loss'] holds Tensor, expected Python floats (loss.item())"),
)
CORRECT = ("solution", "second-style", "attacker")  # the attacker answers correctly, then attacks the course


def attack(root: Path) -> str:
    """Code that tries to rewrite the gradebook and the course's configuration (sandboxed: they are out of reach)."""
    return (f"\ntry:\n    open({str(root / 'gradebook.db')!r}, 'wb').write(b'0')\n"
            f"    open({str(root / 'nbgrader_config.py')!r}, 'a').write('\\nc.Execute.timeout = 1\\n')\n"
            "except OSError:\n    pass\n")


@dataclass
class Graded:
    course: Course
    pending: dict[str, set[str]]  # per student, the cells autograde left for manual grading


@pytest.fixture(scope="module")
def graded(tmp_path_factory: pytest.TempPathFactory) -> Graded:
    """Every submission autograded in one run; the written answers then graded by hand with full marks; grades exported."""
    from nbgrader.api import Gradebook

    root = tmp_path_factory.mktemp("a4_fairness")
    new_course(root, [ASSIGNMENT])
    release = nbformat.read(notebook_of(root / "exercises" / ASSIGNMENT), as_version=4)
    solution = nbformat.read(notebook_of(SOLUTIONS / ASSIGNMENT), as_version=4)
    students = {"solution": answer(release, solution), "second-style": answer(release, solution, sources=SECOND_STYLE)}
    students.update({m.student: answer(release, solution, m.edits) for m in MISTAKES})
    students["attacker"] = answer(release, solution)
    (freeze,) = [c for c in students["attacker"].cells if c.metadata.get("nbgrader", {}).get("grade_id") == "freeze"]
    freeze.source += attack(root)
    config = (root / "nbgrader_config.py").read_bytes()
    for student, nb in students.items():
        submit(root, ASSIGNMENT, student, nb)
    checked(make("autograde", root, ASSIGNMENT=ASSIGNMENT), "make autograde")  # graded in parallel, each in a sandboxed kernel
    assert (root / "nbgrader_config.py").read_bytes() == config, "a submission changed nbgrader_config.py"
    pending: dict[str, set[str]] = {}
    notebook = notebook_of(SOLUTIONS / ASSIGNMENT).stem
    with Gradebook(f"sqlite:///{root / 'gradebook.db'}") as gb:
        for student in students:
            pending[student] = {g.name for g in gb.find_submission_notebook(notebook, ASSIGNMENT, student).grades
                                if g.needs_manual_grade}
            for name in WRITTEN:  # the instructor's manual grading, in the formgrader
                grade = gb.find_grade(name, notebook, ASSIGNMENT, student)
                grade.manual_score = grade.max_score
        gb.db.commit()
    checked(nbgrader("export", "--to", "grades.csv", cwd=root), "nbgrader export")
    checked(nbgrader("generate_feedback", ASSIGNMENT, "--student", "pca-offsets-float64", cwd=root), "nbgrader generate_feedback")
    return Graded(Course(root, {ASSIGNMENT: sorted(students)}), pending)


def test_points_add_up_to_the_table() -> None:
    """Do the test cells carry 17 points and the two written answers 3, the 20 of the notebook's table?"""
    nb = nbformat.read(notebook_of(SOLUTIONS / ASSIGNMENT), as_version=4)
    points = {c.metadata["nbgrader"]["grade_id"]: c.metadata["nbgrader"]["points"] for c in nb.cells
              if c.metadata.get("nbgrader", {}).get("grade")}
    assert sum(points[name] for name in WRITTEN) == 3 and sum(points.values()) == 20, points
    assert "20 points: 17 graded by the tests, 3 for the two written answers" in nb.cells[0].source


@pytest.mark.parametrize("student", CORRECT)
def test_correct_answers_get_full_marks(graded: Graded, student: str) -> None:
    """Does a correct answer, the solution's or another style's, score every point (the written ones by hand)?"""
    assert graded.pending[student] == set(WRITTEN), "autograde should leave exactly the written answers to the instructor"
    scores = graded.course.cell_scores(ASSIGNMENT, student)
    assert all(score == top for score, top in scores.values()), scores
    assert graded.course.grades()[ASSIGNMENT, student] == (20.0, 20.0)


@pytest.mark.parametrize("mistake", MISTAKES, ids=lambda m: m.student)
def test_a_mistake_costs_exactly_its_part(graded: Graded, mistake: Mistake) -> None:
    """Does the mistake lose the points of its own test cell, and of no other?"""
    scores = graded.course.cell_scores(ASSIGNMENT, mistake.student)
    assert {name for name, (score, top) in scores.items() if score < top} == {mistake.failed}, scores
    assert graded.course.grades()[ASSIGNMENT, mistake.student] == (20.0 - scores[mistake.failed][1], 20.0)


def _errors(nb: nbformat.NotebookNode, grade_id: str) -> list[str]:
    return [o.evalue for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == grade_id
            for o in c.get("outputs", []) if o.output_type == "error"]


@pytest.mark.parametrize("mistake", MISTAKES, ids=lambda m: m.student)
def test_the_message_says_what_is_wrong_first_in_one_line(graded: Graded, mistake: Mistake) -> None:
    """Does the failing cell's message in the autograded notebook open with what is wrong, on one line?"""
    errors = _errors(graded.course.autograded(ASSIGNMENT, mistake.student), mistake.failed)
    assert len(errors) == 1 and errors[0].startswith(mistake.says) and "\n" not in errors[0], errors


def test_the_students_own_run_shows_the_visible_mistakes(graded: Graded) -> None:
    """Do the visible tests, run as the student runs them, already fail each mistake they can see, with its message?

    The mistakes go into as few notebooks as can hold them, each test cell failed by one mistake per notebook
    (two mistakes of one answer go into different notebooks); each test cell depends on one answer only, so
    every message is that of its own mistake.
    """
    release = nbformat.read(notebook_of(graded.course.root / "exercises" / ASSIGNMENT), as_version=4)
    solution = nbformat.read(notebook_of(SOLUTIONS / ASSIGNMENT), as_version=4)

    def fits(m: Mistake, others: list[Mistake]) -> bool:
        """Whether m fails a test cell none of the others fails, and its edits apply on top of theirs."""
        if m.failed in {o.failed for o in others}:
            return False
        try:
            answer(release, solution, tuple(edit for o in [*others, m] for edit in o.edits))
        except ValueError:
            return False
        return True

    rounds: list[list[Mistake]] = []
    for m in (m for m in MISTAKES if m.visible):
        target = next((r for r in rounds if fits(m, r)), None)
        if target is None:
            rounds.append(target := [])
        target.append(m)
    for number, mistakes in enumerate(rounds):
        edits = tuple(edit for m in mistakes for edit in m.edits)
        nb = answer(release, solution, edits + (("hyperparameters", '"epochs": 12', '"epochs": 1'),))
        folder = graded.course.root / f"own-run-{number}"
        folder.mkdir()
        NotebookClient(nb, timeout=300, allow_errors=True, resources={"metadata": {"path": str(folder)}}).execute()
        for m in mistakes:
            errors = _errors(nb, m.failed)
            assert errors and errors[0].startswith(m.says), f"{m.student}: the visible tests of {m.failed} say {errors}"


def test_feedback_shows_the_dtype_message_and_no_hidden_code(graded: Graded) -> None:
    """Does the feedback of the float64 offsets show the dtype message, and hide the hidden tests' code?"""
    page = html.unescape(graded.course.feedback_html(ASSIGNMENT, "pca-offsets-float64"))
    assert MISTAKES[0].says in page
    assert "cnnlib.augment.PCAColorJitter(torch.rand(8, 3, 6, 6" not in page
    assert "Hidden tests ran here" in page


def test_the_attack_is_flagged_in_the_formgrader(graded: Graded) -> None:
    """Is the attacker's file access flagged in its answer cell's comment, which the formgrader and feedback show?"""
    from nbgrader.api import Gradebook

    notebook = notebook_of(SOLUTIONS / ASSIGNMENT).stem
    with Gradebook(f"sqlite:///{graded.course.root / 'gradebook.db'}") as gb:
        comment = gb.find_comment("freeze", notebook, ASSIGNMENT, "attacker").comment or ""
        honest = gb.find_comment("freeze", notebook, ASSIGNMENT, "solution").comment
    assert "Flagged by the grader" in comment and "calls open(), which opens a file" in comment, comment
    assert honest is None
