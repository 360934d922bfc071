"""The training recipe is written once: `micrograd-lesson train`, section 6 and its "Show the Python" script
give the same weights and losses, to the bit."""

import math
import subprocess
import sys

import pytest

from micrograd_lesson import data, serialize
from micrograd_lesson.app import cli
from micrograd_lesson.app.sections.live_training import LiveRun, Settings
from micrograd_lesson.losses import hinge


@pytest.mark.parametrize(("dataset", "hidden", "seed"), [("moons", (4, 3), 2), ("circles", (6,), 0)])
def test_train_section_6_and_the_script_give_the_same_losses_to_the_bit(tmp_path, capsys, dataset, hidden, seed):
    steps, saved = 12, tmp_path / "model.json"
    argv = ["train", "--dataset", dataset, "--hidden", ",".join(map(str, hidden)), "--epochs", str(steps)]
    assert cli.main([*argv, "--seed", str(seed), "--save", str(saved)]) == 0
    own_noise = data.DATASETS[dataset][1]  # train uses the dataset's own noise; the page names it
    settings = Settings(dataset=dataset, noise=own_noise, data_seed=seed, seed=seed, hidden=hidden, stop_at_100=False)
    run = LiveRun(settings)
    assert run.train(steps, budget=math.inf) == steps

    trained = serialize.load(saved)
    assert [p.data for p in trained.parameters()] == [p.data for p in run.params]
    script = tmp_path / "run.py"
    script.write_text(run.script())
    printed = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, check=True).stdout
    assert printed.splitlines() == [f"{step} {loss!r}" for step, loss, _ in run.history.rows()]
    assert printed.splitlines()[-1] == f"{steps} {hinge([trained(x) for x in run.points.X_train], run.targets).data!r}"
    assert f"final loss {run.history.rows()[-1][1]:.4f}" in capsys.readouterr().out  # the page's, at the last step


@pytest.mark.parametrize(
    "fields",
    [  # between them, every setting of issue 24 (and each kind of dataset) away from its default
        {
            "dataset": "spiral",
            "ratio": 60,
            "batch": 7,
            "features": ["x1", "x2", "x1_x2", "sin_x1"],
            "activation": "linear",
            "regularization": "l1",
            "reg_rate": 0.01,
        },
        {"dataset": "three_blobs", "regularization": "l2", "reg_rate": 0.003, "features": ["x1_sq", "x2", "sin_x2"]},
        {
            "dataset": "multi_gaussian",
            "ratio": 30,
            "batch": 10,
            "activation": "tanh",
            "features": ["x1", "x2", "x2_sq"],
        },
    ],
)
def test_the_script_prints_the_pages_losses_for_every_new_setting(tmp_path, fields):
    run = LiveRun(
        Settings.read(
            {**fields, "stop_at_100": False} if fields["dataset"] != "multi_gaussian" else {**fields, "stop_mse": 0.0}
        )
    )
    assert run.train(9, budget=math.inf) == 9
    script = tmp_path / "run.py"
    script.write_text(run.script())
    printed = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, check=True).stdout
    assert printed.splitlines() == [f"{step} {loss!r}" for step, loss, _ in run.history.rows()]
