"""The micrograd-lesson command line: tour, graph, train, playground, quiz, notebooks, serve, site."""

from __future__ import annotations

import argparse
import errno
import math
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import partial
from pathlib import Path
from typing import TextIO

from micrograd_lesson import __version__
from micrograd_lesson.app.terminal import (
    Style,
    ask,
    colour_enabled,
    node_table,
    pause,
    reflow,
    show_question,
    two_tries,
    wrap,
)

TYPE_CHECKING = False  # typing.TYPE_CHECKING's stand-in: --help loads only what the parser needs
if TYPE_CHECKING:
    from micrograd_lesson.engine import Value

DEFAULT_OUT = "micrograd-lesson-out"
MAX_GRAPH_NODES = 100  # graph draws at most this many nodes: a Graphviz layout can take minutes when larger
MAX_LAYERS, MAX_NEURONS = 6, 64  # train --hidden's largest network: bigger ones take too long with scalars
EXAMPLES = """examples:
  micrograd-lesson                         the tour: the lesson in five stops
  micrograd-lesson graph '(a*b + c).tanh()' --set a=2 b=-3 c=10 --backward
  micrograd-lesson graph '(a*b + c).tanh()' --set a=2 b=-3 c=10 --code
  micrograd-lesson graph --example lecture-neuron --flipbook neuron-steps.html
  micrograd-lesson train --dataset moons --plot moons.png
  micrograd-lesson playground --x1 1.0 --x2 0.5
  micrograd-lesson quiz
  micrograd-lesson notebooks DIR           copy the notebooks into a folder DIR
  micrograd-lesson serve                   the live lesson in your browser
  micrograd-lesson site DIR --pyodide PYODIDE.tgz --viz VIZ.tgz
                                           the lesson as a static web folder
Each command has --help."""


class CommandError(Exception):
    """A command could not finish; main prints the message and exits with 1."""


# --- argument types ---------------------------------------------------------------------------------


def finite_float(text: str) -> float:
    """A finite number, for flags such as --x1 and --lr."""
    try:
        x = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number, got {text!r}") from None
    if not math.isfinite(x):
        raise argparse.ArgumentTypeError(f"expected a finite number, got {text!r}")
    return x


def positive_float(text: str) -> float:
    """A number > 0, for --lr."""
    x = finite_float(text)
    if x <= 0:
        raise argparse.ArgumentTypeError(f"expected a number > 0, got {text!r}")
    return x


def positive_int(text: str) -> int:
    """A whole number >= 1, for --epochs."""
    try:
        n = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if n < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number >= 1, got {text!r}")
    return n


def non_negative_float(text: str) -> float:
    """A number >= 0, for --reg-rate."""
    x = finite_float(text)
    if x < 0:
        raise argparse.ArgumentTypeError(f"expected a number >= 0, got {text!r}")
    return x


def feature_names(text: str) -> list[str]:
    """Input features such as "x1,x2,x1_sq" -> ['x1', 'x2', 'x1_sq'], each a name of features.FEATURES, once."""
    from micrograd_lesson.features import checked

    try:
        return checked([name.strip() for name in text.split(",")])
    except ValueError as error:
        raise argparse.ArgumentTypeError(f"{error} (from {text!r})") from None


def layer_sizes(text: str) -> list[int]:
    """Hidden layer sizes such as "16,16" -> [16, 16]."""
    try:
        sizes = [int(part) for part in text.split(",")]
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected sizes separated by commas such as 16,16, got {text!r}") from None
    if any(size < 1 for size in sizes):
        raise argparse.ArgumentTypeError(f"every layer needs at least 1 neuron, got {text!r}")
    if len(sizes) > MAX_LAYERS or max(sizes) > MAX_NEURONS:
        raise argparse.ArgumentTypeError(
            f"at most {MAX_LAYERS} hidden layers of at most {MAX_NEURONS} neurons each, got {text!r}"
        )
    return sizes


def named_path(text: str) -> Path:
    """A file or folder the user names: an empty name is refused, where Path("") would quietly mean this folder."""
    if not text:
        raise argparse.ArgumentTypeError("expected a name, got an empty one ('' would mean this folder: say . for it)")
    return Path(text)


def code_file(text: str) -> str:
    """Where --code writes: - for the terminal, or a file (an empty name is refused, not taken as no --code)."""
    if not text:
        raise argparse.ArgumentTypeError("expected a file name, or - for the terminal, got an empty one")
    return text


def drawing_path(text: str) -> Path:
    """An output file ending in .svg or .png."""
    path = Path(text)
    if path.suffix.lower() not in (".svg", ".png"):
        raise argparse.ArgumentTypeError(f"the drawing must be a .svg or .png file, got {text!r}")
    return path


def animation_path(text: str) -> Path:
    """An output file ending in .html (a flipbook page) or .gif."""
    path = Path(text)
    if path.suffix.lower() not in (".html", ".gif"):
        raise argparse.ArgumentTypeError(f"the flipbook must be a .html or .gif file, got {text!r}")
    return path


# --- the parser ---------------------------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    """The argument parser for micrograd-lesson and its subcommands."""
    parser = argparse.ArgumentParser(
        prog="micrograd-lesson",
        description="Learn backpropagation one scalar at a time. With no command, runs the tour.",
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"micrograd_lesson {__version__}")
    tour_help = {
        "out": f"folder for the tour's drawings ({DEFAULT_OUT})",
        "interactive": "wait for Enter between the tour's sections (on a terminal)",
    }
    # the tour is the default command, so its two options work without naming it: micrograd-lesson --out DIR
    parser.add_argument("--out", dest="tour_out", type=named_path, metavar="DIR", help=tour_help["out"])
    parser.add_argument("--interactive", dest="tour_interactive", action="store_true", help=tour_help["interactive"])
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    tour = _command(commands, "tour", cmd_tour, "walk through the lesson in the terminal (the default)")
    tour.add_argument("--out", type=named_path, metavar="DIR", help=tour_help["out"])
    tour.add_argument("--interactive", action="store_true", help=tour_help["interactive"])

    graph = _command(commands, "graph", cmd_graph, "draw the computation graph of an expression")
    graph.add_argument(
        "expression",
        nargs="?",  # checked in cmd_graph, so that it may also come after --set's pairs
        help="e.g. '(a*b + c).tanh()': numbers, the names you --set, + - * / **, and tanh exp log relu sigmoid sin "
        "(as x.tanh() or tanh(x))",
    )
    graph.add_argument("--set", nargs="+", default=[], metavar="NAME=NUMBER", help="the inputs, e.g. --set a=2 b=-3")
    example = graph.add_argument("--example", help="one of the lesson's graphs instead of an expression")
    example.choices = LessonGraphs()  # set here, not in add_argument, which would list them (and load examples)
    graph.add_argument(
        "--out",
        type=drawing_path,
        metavar="PATH",
        help="the drawing, .svg or .png (graph.svg; with --flipbook, only if asked for)",
    )
    graph.add_argument(
        "--flipbook",
        type=animation_path,
        metavar="PATH",
        help="step through backward one chain-rule step at a time: a .html page (works offline) or a .gif",
    )
    graph.add_argument("--backward", action="store_true", help="run backward() first, so the grads are filled in")
    graph.add_argument(
        "--chain-rule", action="store_true", help="label each edge local x upstream (implies --backward)"
    )
    graph.add_argument(
        "--code",
        nargs="?",
        const="-",
        type=code_file,
        metavar="FILE",
        help="print the graph as Python code: forward, then one line per chain-rule step (or write it to FILE)",
    )

    train = _command(commands, "train", cmd_train, "train a small network and report its accuracy (or MSE)")
    dataset = train.add_argument(
        "--dataset",
        default="moons",
        metavar="NAME",
        help="the data (moons): xor, moons, circles, spiral, gaussian (two classes), three_blobs (three), plane, "
        "multi_gaussian (regression: a number out)",
    )
    dataset.choices = Names("micrograd_lesson.data", "DATASETS")  # read when asked: --help loads no data
    train.add_argument(
        "--hidden", type=layer_sizes, default=[16, 16], metavar="SIZES", help="hidden layer sizes (16,16)"
    )
    activation = train.add_argument(
        "--activation", default="relu", metavar="NAME", help="the hidden layers': relu, tanh, sigmoid, linear (relu)"
    )
    activation.choices = Names("micrograd_lesson.nn", "ACTIVATIONS")
    train.add_argument(
        "--features",
        type=feature_names,
        default=["x1", "x2"],
        metavar="NAMES",
        help="the network's inputs, from x1,x2,x1_sq,x2_sq,x1_x2,sin_x1,sin_x2 (x1,x2)",
    )
    train.add_argument("--epochs", type=positive_int, default=100, help="passes over the data (100)")
    train.add_argument(
        "--batch",
        type=positive_int,
        metavar="N",
        help="training points a step takes (all of them)",
    )
    train.add_argument("--lr", type=positive_float, default=0.05, help="Adam's learning rate (0.05)")
    train.add_argument(
        "--regularization", choices=("none", "l1", "l2"), default="none", help="a penalty on the weights (none)"
    )
    train.add_argument(
        "--reg-rate", type=non_negative_float, metavar="RATE", help="the penalty's rate, with l1 or l2 (0.001)"
    )
    train.add_argument("--seed", type=int, default=0, help="for the data and the first weights (0)")
    train.add_argument(
        "--plot",
        type=drawing_path,
        metavar="PATH",
        help="save the decision boundary at PATH (.png or .svg) and the loss beside it at PATH-loss (needs matplotlib)",
    )
    train.add_argument("--save", type=named_path, metavar="PATH", help="save the trained model as JSON")
    train.add_argument(
        "--compiled", action="store_true", help="compile the loss graph to Python code once: the same numbers, faster"
    )

    playground = _command(commands, "playground", cmd_playground, "the lesson's 2-3-1 network at two inputs")
    playground.add_argument("--x1", type=finite_float, default=0.5, help="the first input, from 0 to 1 (0.5)")
    playground.add_argument("--x2", type=finite_float, default=0.5, help="the second input, from 0 to 1 (0.5)")
    playground.add_argument(
        "--out", type=drawing_path, default=Path("playground.svg"), metavar="PATH", help="the drawing (playground.svg)"
    )

    quiz = _command(commands, "quiz", cmd_quiz, "the lesson's quick check, then predict some gradients")
    quiz.add_argument(
        "--answer",
        type=str.upper,
        choices=("A", "B", "C", "D"),
        help="answer without being asked, e.g. from a script (exit code 0 if right, 1 if not)",
    )

    notebooks = _command(commands, "notebooks", cmd_notebooks, "copy the lesson's Jupyter notebooks into a folder")
    notebooks.add_argument("dir", type=named_path, metavar="DIR", help="the folder (created if missing)")
    notebooks.add_argument("--force", action="store_true", help="overwrite notebooks already there")

    site = _command(commands, "site", cmd_site, "write the live lesson as a folder that any static web host serves")
    site.add_argument("dir", type=named_path, metavar="DIR", help="the folder (created if missing)")
    site.add_argument("--pyodide", type=named_path, metavar="PATH", help="the .tgz of: npm pack pyodide@314.0.8")
    site.add_argument("--pyodide-url", metavar="URL", help="instead: a folder URL where you host Pyodide's files")
    site.add_argument("--viz", type=named_path, metavar="PATH", help="the .tgz of: npm pack @viz-js/viz@3.31.0")
    site.add_argument("--force", action="store_true", help="write into DIR even if it holds files")

    serve = _command(commands, "serve", cmd_serve, "open the live lesson in your browser, served from this computer")
    serve.add_argument("--port", type=int, default=8000, help="the port to listen on (8000)")
    serve.add_argument("--host", default="127.0.0.1", help="the address to listen on (127.0.0.1: this computer only)")
    serve.add_argument("--no-browser", action="store_true", help="print the address without opening a browser")
    return parser


class Names:
    """A table's names as an option's choices (data.DATASETS): its module loads only when they are read."""

    def __init__(self, module: str, table: str) -> None:
        self.module, self.table = module, table

    def __iter__(self) -> Iterator[str]:
        import importlib

        return iter(getattr(importlib.import_module(self.module), self.table))

    def __contains__(self, name: object) -> bool:
        return name in list(self)


class LessonGraphs:
    """The names of examples.GRAPHS, for graph --example: examples (and nn) load only when they are read."""

    def __iter__(self) -> Iterator[str]:
        from micrograd_lesson.examples import GRAPHS

        return iter(GRAPHS)

    def __contains__(self, name: object) -> bool:
        return name in list(self)


def _command(commands, name: str, handler, summary: str) -> argparse.ArgumentParser:
    sub = commands.add_parser(name, help=summary, description=summary[0].upper() + summary[1:] + ".")
    sub.set_defaults(handler=handler, parser=sub)
    return sub


def main(argv: list[str] | None = None) -> int:
    """Run the command line with argv (default: sys.argv[1:]); return the exit code."""
    parser = build_parser()
    args, unknown = parser.parse_known_args(argv)
    if args.command == "graph" and args.expression is None and len(unknown) == 1 and unknown[0][:2] != "--":
        args.expression = unknown.pop()  # graph '-a*b': argparse reads a leading minus as an option
    if unknown:
        hint = " (an expression may also follow --, as in: graph --set a=2 -- '-a')" if args.command == "graph" else ""
        getattr(args, "parser", parser).error(f"unrecognized arguments: {' '.join(unknown)}{hint}")
    if args.command is None:
        args.command, args.handler, args.parser = "tour", cmd_tour, parser
        args.out, args.interactive = None, False
    if args.tour_out or args.tour_interactive:  # the tour's options, given before the command
        if args.command != "tour":
            parser.error(
                f"--out DIR and --interactive before a command are the tour's; for {args.command}, put "
                "options after its name"
            )
        args.out = args.out or args.tour_out
        args.interactive = args.interactive or args.tour_interactive
    out = sys.stdout
    try:
        return args.handler(args, out, Style(colour_enabled(out)))
    except CommandError as error:  # say how to fix it, not a traceback
        print(f"micrograd-lesson {args.command}: {error}", file=sys.stderr)
        return 1
    except RuntimeError as error:  # the drawing's errors are RuntimeErrors, from a module only drawing loads
        return _drawing_failed(args.command, error)
    except KeyboardInterrupt:
        print(file=out)
        return 130
    except BrokenPipeError:  # the reader went away, e.g. `micrograd-lesson | head`: stop quietly
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # as the Python docs advise
        return 1


def _drawing_failed(command: str, error: RuntimeError) -> int:
    """Say why a drawing failed and return 1; raise error again if it is not a drawing's."""
    from micrograd_lesson.viz.render import GraphvizNotFoundError, RenderError, RenderTimeoutError

    if isinstance(error, RenderTimeoutError):  # draw_dot's options, which its message names, are not flags here
        advice = "draw a smaller expression" if command == "graph" else "try again when the computer is less busy"
        print(
            f"micrograd-lesson {command}: the drawing took longer than {error.seconds:g}s, the limit; {advice}",
            file=sys.stderr,
        )
        return 1
    if isinstance(error, (GraphvizNotFoundError, RenderError)):  # say how to fix it, not a traceback
        print(f"micrograd-lesson {command}: {error}", file=sys.stderr)
        return 1
    raise error


# --- tour ---------------------------------------------------------------------------------------------


def cmd_tour(args: argparse.Namespace, out: TextIO, style: Style) -> int:
    """Print the lesson a section at a time, writing each section's drawings into args.out."""
    from micrograd_lesson.app.tour import sections

    stops = sections()
    folder = args.out or Path(DEFAULT_OUT)
    wait = args.interactive and sys.stdin.isatty()
    print(style.heading(f"micrograd_lesson {__version__}: the lesson in {len(stops)} stops"), file=out)
    if wait:
        print("Press Enter after each section to go on.", file=out)
    written: list[Path] = []
    for i, section in enumerate(stops):
        print(f"\n{style.heading(section.title)}\n\n{wrap(reflow(section.text))}", file=out)
        if section.drawings:
            written += _draw_all(section.drawings, folder, out, style)
        if wait and i < len(stops) - 1 and not pause(out):
            break
    if written:
        pictures = f"{len(written)} picture{'s' if len(written) != 1 else ''}"
        print(f"\nThe tour drew {pictures} into this folder:\n  {folder.resolve()}{os.sep}", file=out)
        print(
            wrap("Open them in a web browser; backprop-steps.html steps through backpropagation one edge at a time."),
            file=out,
        )
    me = started_as()
    print(
        "\n"
        + wrap(
            "Next: the live lesson in your browser (serve), the lesson's notebooks copied into a folder DIR of "
            "your own (notebooks DIR), your own graph, the quick check, and everything else:"
        ),
        file=out,
    )
    commands = [
        "serve",
        "notebooks DIR",
        "graph 'a*b + c' --set a=2 b=-3 c=10 --backward",
        "quiz",
        "--help",
    ]
    if max(len(f"  {me} {c}") for c in commands) > 80:  # a long path: said once, then what follows it (the
        print(f"  {me}\nfollowed by one of:", file=out)  # same words at every terminal width)
        commands = [f"   {c}" for c in commands]
    for command in commands:
        print(f"  {me} {command}" if not command.startswith(" ") else f"  {command}", file=out)
    return 0


def started_as() -> str:
    """This command as the learner started it: 'micrograd-lesson' when that is on PATH, else the path they typed
    ('.venv/bin/micrograd-lesson'), or '.venv/bin/python -m micrograd_lesson'."""
    import shutil

    argv = getattr(sys, "orig_argv", sys.argv)
    if "-m" in argv[:-1] and Path(sys.argv[0]).name == "__main__.py":
        return " ".join(argv[: argv.index("-m") + 2])
    typed = sys.argv[0]
    found = shutil.which(Path(typed).name)
    if found and Path(found).resolve() == Path(typed).resolve():
        return Path(typed).name
    return typed


def _draw_all(drawings: dict, folder: Path, out: TextIO, style: Style) -> list[Path]:
    _make_folder(folder)
    paths = []
    for name, write in drawings.items():
        path = folder / name
        with _writing(path):
            write(path)
        print(style.dim(f"  drew {path}"), file=out)
        paths.append(path)
    return paths


# --- graph --------------------------------------------------------------------------------------------


def cmd_graph(args: argparse.Namespace, out: TextIO, style: Style) -> int:
    """Parse the expression safely (or build --example), optionally run backward, print its nodes and draw it."""
    from micrograd_lesson.expression import ExpressionError, parse_assignments, parse_expression

    if args.expression is None and args.set and "=" not in args.set[-1]:  # graph --set a=2 b=3 'a*b'
        args.expression = args.set.pop()
    if args.example is not None:
        if args.expression is not None or args.set:
            args.parser.error("--example draws one of the lesson's graphs: give it no expression and no --set")
        from micrograd_lesson.examples import GRAPHS

        root, heading = GRAPHS[args.example](), f"the lesson's {args.example}"
    else:
        if args.expression is None:
            args.parser.error("the following arguments are required: expression (or --example NAME)")
        try:
            parsed = parse_expression(args.expression, parse_assignments(args.set), max_nodes=MAX_GRAPH_NODES)
        except ExpressionError as error:
            args.parser.error(str(error))
        except (ArithmeticError, ValueError) as error:
            args.parser.error(f"cannot compute {args.expression!r}: {error}")
        root = parsed.value
        given = ", ".join(f"{name} = {v.data:g}" for name, v in parsed.inputs.items())
        heading = args.expression + (f"   with {given}" if given else "")
    if not root.label:
        root.label = "out"
    backward = args.backward or args.chain_rule or args.flipbook is not None
    if args.flipbook is not None and not root.parents:
        args.parser.error(f"{args.expression!r} is a single number: backward has no steps to show in a flipbook")
    drawing = args.out or (None if args.flipbook else Path("graph.svg"))
    try:
        if args.flipbook is not None:  # its frames run backward, one chain-rule step at a time
            with _writing(args.flipbook):
                _save_flipbook(root, args.flipbook)
        elif backward:
            root.backward()
    except ArithmeticError as error:
        args.parser.error(f"cannot backpropagate through {args.example or args.expression!r}: {error}")
    print(style.heading(heading), file=out)
    print(node_table(root), file=out)
    if not backward:
        print(style.dim("(every grad is 0 until backward() runs: add --backward to fill them in)"), file=out)
    if args.code:
        _print_code(root, args.code, out, style)
    if args.flipbook is not None:
        print(f"wrote {args.flipbook} (backward, one chain-rule step a frame: open it in a web browser)", file=out)
    if drawing is not None:
        _save(_draw_graph(root, chain_rule=args.chain_rule), drawing, out)
    return 0


def _save_flipbook(root: Value, path: Path) -> None:
    from micrograd_lesson.viz import save_animation

    save_animation(root, path)


def _print_code(root: Value, where: str, out: TextIO, style: Style) -> None:
    """The graph compiled to Python, printed (where is '-') or written to the file where."""
    from micrograd_lesson._files import write_file
    from micrograd_lesson.compiled import compile_graph

    source = compile_graph(root).source
    if where == "-":
        print(style.heading("\nThe same graph as code: forward, then backward one chain-rule step a line"), file=out)
        print(source, file=out)
        return
    with _writing(Path(where)):
        write_file(where, source)
    print(f"wrote {where} (the graph as code)", file=out)


def _draw_graph(root: Value, chain_rule: bool):
    from micrograd_lesson.viz import draw_dot

    return draw_dot(root, chain_rule=chain_rule)


def _save(drawing, path: Path, out: TextIO) -> None:
    with _writing(path):
        drawing.save(path)
    print(f"wrote {path}", file=out)


# --- writing files: a one-line error naming the path, never a traceback ---------------------------------


def _make_folder(folder: Path) -> None:
    """Create folder (and the folders above it) unless it is there, or raise a CommandError saying why not."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise CommandError(f"cannot create the folder {folder}: {_why(error)}") from None


@contextmanager
def _writing(path: Path) -> Iterator[None]:
    """Create path's folder, then run the block that writes path; any OSError becomes a CommandError naming path."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        yield
    except OSError as error:
        raise CommandError(f"cannot write {path}: {_why(error)}") from None


def _why(error: OSError) -> str:
    """What an OSError from making a folder or writing a file means, in plain words."""
    where = error.filename or "the path"
    if error.errno in (errno.EEXIST, errno.ENOTDIR):  # mkdir, or a write, met a file where a folder should be
        path = Path(where)
        in_the_way = next((p for p in (*reversed(path.parents), path) if p.exists() and not p.is_dir()), path)
        return f"{in_the_way} is a file, not a folder"
    reasons = {
        errno.EISDIR: f"{where} is a folder",
        errno.ENAMETOOLONG: "the name is too long",
        errno.EACCES: "permission denied",
        errno.EPERM: "permission denied",
        errno.EROFS: "the disk is read-only",
        errno.ENOSPC: "the disk is full",
    }
    return reasons.get(error.errno, error.strerror or str(error))


# --- train --------------------------------------------------------------------------------------------


def cmd_train(args: argparse.Namespace, out: TextIO, style: Style) -> int:
    """Train an MLP on a small dataset with a progress bar; report accuracy (or MSE); optionally plot and save."""
    from micrograd_lesson import data
    from micrograd_lesson.recipe import Recipe, prepare

    kind = data.KINDS[args.dataset]
    if args.plot and kind == "regression":
        args.parser.error(f"--plot draws a boundary between classes, and {args.dataset} is a regression dataset")
    if args.reg_rate is not None and args.regularization == "none":
        args.parser.error(f"--reg-rate {args.reg_rate:g} is the rate of a penalty: add --regularization l1 or l2")
    if args.plot:
        _need_matplotlib()
    # The live page's recipe (the one split, a linear output, the dataset's kind's loss, Adam), with the dataset's
    # own noise and one seed for the data and the weights.
    recipe = Recipe(
        args.dataset,
        noise=None,
        data_seed=args.seed,
        hidden=tuple(args.hidden),
        activation=args.activation,
        lr=args.lr,
        seed=args.seed,
        features=tuple(args.features),
        regularization=args.regularization,
        reg_rate=0.001 if args.reg_rate is None else args.reg_rate,
        batch=args.batch,
    )
    train_size = len(data.train_test(args.dataset, seed=args.seed, train_percent=recipe.ratio).X_train)
    if args.batch is not None and args.batch > train_size:
        args.parser.error(
            f"--batch {args.batch} is more than the {train_size} training points: give 1 to {train_size}, or leave "
            "it out for all of them"
        )
    made = prepare(recipe)
    points, model, loop = made.points, made.model, made.loop
    if args.compiled:
        _refuse_past_compile_limit(model, made.inputs, loop.y, loop.loss_fn)
    loop.compiled = args.compiled
    X, y = points.X_train, points.y_train
    test_inputs = _inputs(points.X_test, args.features)
    print(
        wrap(
            f"Training MLP({recipe.inputs}, {recipe.layers}) on {args.dataset} ({len(X)} training points, "
            f"{len(points.X_test)} held out) for {args.epochs} epochs: {_training_words(recipe, loop)}, seed "
            f"{args.seed}" + (", the loss graph compiled" if args.compiled else "")
        ),
        file=out,
        flush=True,
    )
    try:
        losses, epochs = _run_until_zero(loop, args.epochs)
    except ArithmeticError as error:
        raise CommandError(f"with --lr {args.lr:g}, {error}") from None  # it says where, and to lower lr
    if epochs < args.epochs:
        print(
            wrap(
                f"Stopped after epoch {epochs} of {args.epochs}: the loss reached 0, so every gradient is 0 "
                "and more epochs would change nothing."
            ),
            file=out,
        )
    final = _final_loss(recipe, made)
    print(final, file=out)
    summary, scores = _scores(kind, model, made.inputs, y, test_inputs, points.y_test)
    print(wrap(scores), file=out)
    result = f"{final}, {summary}"
    written, failed = [], []  # the training is done: a file that cannot be written does not stop the others
    for path, what, write in _train_outputs(args, model, points, losses):
        try:
            with _writing(path):
                write(path)
        except CommandError as error:
            failed.append(str(error))
            continue
        written.append(str(path))
        print(f"wrote {path} ({what})", file=out)
    if failed:
        wrote = f"; it did write {', '.join(written)}" if written else ""
        raise CommandError(f"the training finished ({result}), but {'; '.join(failed)}{wrote}")
    return 0


def _final_loss(recipe, made) -> str:
    """The loss over every training point at the trained weights, in words (section 6's train loss at its last
    step; the loop's last loss was its batch's, before its update), and the penalty apart, if any."""
    from micrograd_lesson import floats
    from micrograd_lesson.recipe import FLOAT_LOSSES

    outputs = (floats.scores if recipe.kind == "three_classes" else floats.outputs)(made.model, made.inputs)
    loss = FLOAT_LOSSES[recipe.kind](outputs, made.targets)
    if recipe.regularization == "none":
        return f"final loss {loss:.4f}"
    weights = [w.data for layer in made.model.layers for n in layer.neurons for w in n.w]
    return (
        f"final loss {loss:.4f} (and the penalty {floats.penalty(weights, recipe.regularization, recipe.reg_rate):.4f})"
    )


def _training_words(recipe, loop) -> str:
    """How the recipe trains, in words: 'hinge loss, Adam with lr 0.05' and its other settings."""
    loss = {"two_classes": "hinge loss", "three_classes": "softmax cross-entropy", "regression": "mean squared error"}
    words = [loss[recipe.kind], f"Adam with lr {recipe.lr:g}"]
    if recipe.activation != "relu":
        words.append(f"{recipe.activation} hidden layers")
    if recipe.features != ("x1", "x2"):
        words.append(f"inputs {', '.join(recipe.features)}")
    if recipe.regularization != "none":
        words.append(f"{recipe.regularization.upper()} penalty at rate {recipe.reg_rate:g}")
    if recipe.batch is not None:
        steps = loop.batches_per_pass
        words.append(f"batches of {recipe.batch} ({steps} step{'s' if steps != 1 else ''} an epoch)")
    return ", ".join(words)


def _inputs(X: list, names: list[str]) -> list[list[float]]:
    from micrograd_lesson.features import expand

    return expand(X, names)


def _scores(kind: str, model, inputs: list, y: list, test_inputs: list, y_test: list) -> tuple[str, str]:
    """The training and held-out accuracy (for regression, MSE) of model, in words: short, and with the counts."""
    if kind == "regression":
        from micrograd_lesson import floats

        train, test = (floats.mse(floats.outputs(model, x), t) for x, t in ((inputs, y), (test_inputs, y_test)))
        summary = f"training MSE {train:.4f}, held-out MSE {test:.4f}"
        return summary, f"{summary} ({len(y_test)} points it never trained on)"
    from micrograd_lesson.metrics import accuracy

    right, held = accuracy(model, inputs, y), accuracy(model, test_inputs, y_test)
    summary = f"training accuracy {right:.0%}, held-out accuracy {held:.0%}"
    return summary, (
        f"training accuracy {right:.0%} ({round(right * len(y))} of {len(y)} points), held-out accuracy "
        f"{held:.0%} ({round(held * len(y_test))} of {len(y_test)} points it never trained on)"
    )


def _refuse_past_compile_limit(model, X: list, y: list, loss: Callable) -> None:
    """A CommandError, before any work, when the loss graph over X is past what compile_graph takes."""
    from micrograd_lesson.compiled import check_size
    from micrograd_lesson.engine import topological_order

    # The graphs of one point and of two: every point adds as many nodes, the weights being shared.
    one, two = (len(topological_order(loss([model(x) for x in X[:k]], y[:k]))) for k in (1, 2))
    try:
        check_size(one + (len(X) - 1) * (two - one))
    except ValueError as error:
        raise CommandError(f"--compiled: {error}; leave out --compiled to train on the engine") from None


def _run_until_zero(loop, epochs: int) -> tuple[list[float], int]:
    """Run loop for epochs (passes over the data) with a progress bar (on stderr), stopping early once a whole
    pass's loss is 0; return every step's loss and the epochs run."""
    from tqdm.auto import tqdm

    losses: list[float] = []
    done = 0
    with tqdm(total=epochs, desc="training", unit="epoch") as bar:
        while done < epochs and not (losses and not any(losses[-loop.batches_per_pass :])):
            losses += loop.run(loop.batches_per_pass, progress=False, record=False)  # no history: memory stays flat
            done += 1
            bar.set_postfix(loss=f"{losses[-1]:.4g}")
            bar.update(1)
    return losses, done


def _need_matplotlib() -> None:
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        raise CommandError("--plot needs matplotlib: pip install 'micrograd-lesson[notebooks]'") from None


def _train_outputs(args: argparse.Namespace, model, points, losses: list[float]) -> list[tuple[Path, str, Callable]]:
    """The files train was asked for, as (path, what it holds, a function that writes it to a path); points: the
    training and held-out points (data.train_test's split), both drawn on the boundary as the page draws them."""
    outputs = []
    if args.plot:  # the decision boundary at PATH, the loss curve beside it at PATH's name + '-loss'
        from micrograd_lesson.viz import plot_decision_boundary, plot_loss

        def at(x: list[float]):  # the model at a point of the plane: its features first
            return model(_inputs([x], args.features)[0])

        boundary = plot_decision_boundary(
            at, points.X_train, points.y_train, X_test=points.X_test, y_test=points.y_test
        )
        curve = plot_loss(losses)
        loss_path = args.plot.with_name(f"{args.plot.stem}-loss{args.plot.suffix}")
        outputs.append((args.plot, "the decision boundary", lambda p: _save_figure(boundary, p)))
        outputs.append((loss_path, "the loss curve", lambda p: _save_figure(curve, p)))
    if args.save:
        from micrograd_lesson.serialize import save

        outputs.append((args.save, "the model: load it with micrograd_lesson.serialize.load", lambda p: save(model, p)))
    return outputs


def _save_figure(figure, path: Path) -> None:
    """A matplotlib figure drawn in memory, then written whole, as .png or .svg by path's extension."""
    import io

    from micrograd_lesson._files import write_file

    image = io.BytesIO()
    figure.savefig(image, format=path.suffix[1:].lower())
    write_file(path, image.getvalue())


# --- playground ---------------------------------------------------------------------------------------


def cmd_playground(args: argparse.Namespace, out: TextIO, style: Style) -> int:
    """Print the lesson's seed network's activations at (x1, x2) and draw it."""
    from micrograd_lesson.playground import Playground

    try:
        pg = Playground(args.x1, args.x2)
    except ValueError as error:
        args.parser.error(str(error))
    from micrograd_lesson.app.tour import playground_lines

    print(style.heading(f"The lesson's network at x1 = {pg.x1:.2f}, x2 = {pg.x2:.2f}"), file=out)
    print("\n".join(playground_lines(pg)), file=out)
    print(style.heading(f"Output: {pg.output:.4f}"), file=out)
    _save(_draw_network(pg.model, pg.inputs), args.out, out)
    return 0


def _draw_network(model, x: list[float]):
    from micrograd_lesson.viz import draw_network

    return draw_network(model, x)


# --- quiz ---------------------------------------------------------------------------------------------


def cmd_quiz(args: argparse.Namespace, out: TextIO, style: Style) -> int:
    """Ask the quick check (or take --answer); asked by a person, go on to every question, two tries each, scored."""
    from micrograd_lesson.app.quiz import EXERCISES, QUESTIONS, QUICK_CHECK, Score, check_answer

    if args.answer is not None:  # a script answers the lesson's own question, once
        show_question(QUICK_CHECK, 1, out, style)
        feedback = check_answer(args.answer)
        print((style.good if feedback.correct else style.bad)(wrap(feedback.message)), file=out)
        return 0 if feedback.correct else 1
    score = Score()
    try:
        for number, question in enumerate(QUESTIONS, 1):
            show_question(question, number, out, style)
            prompt = f"Your answer ({', '.join(question.letters)}): "
            if not two_tries(question, partial(ask, prompt, question.option, out), score, out, style):
                break
        else:
            print(style.heading("\nPredict the gradient (Enter skips one)"), file=out)
            ask_number = partial(ask, "Your answer: ", _number_or_blank, out)
            for number, exercise in enumerate(EXERCISES, len(QUESTIONS) + 1):
                print("\n" + wrap(f"{number}. {exercise.question}"), file=out)
                if not two_tries(exercise, ask_number, score, out, style):
                    break
    except ValueError as error:
        args.parser.error(str(error))
    if not score.asked:
        args.parser.error("no answer was given: type a letter, or pass --answer A, B, C or D")
    print(style.heading(f"\n{score}"), file=out)
    return 0 if score.right == score.asked else 1


def _number_or_blank(text: str) -> str:
    text = text.strip()
    if text:
        finite_float(text)
    return text


# --- notebooks ----------------------------------------------------------------------------------------


def cmd_notebooks(args: argparse.Namespace, out: TextIO, style: Style) -> int:
    """Copy the lesson's notebooks into args.dir, keeping any already there (the learner's work) unless --force."""
    from micrograd_lesson._files import write_file

    folder = args.dir
    _make_folder(folder)
    notebooks = lesson_notebooks()
    copied, skipped, failed = [], [], {}
    for name, content in notebooks.items():
        target = folder / name
        try:
            if target.exists() and not args.force:
                skipped.append(name)
                print(style.dim(f"  skipped {name} (already there)"), file=out)
                continue
            write_file(target, content)  # whole or not at all: never half a notebook
        except OSError as error:  # one notebook that cannot be written stops none of the others
            failed[name] = _why(error)
            print(style.bad(f"  failed  {name}: {failed[name]}"), file=out)
            continue
        copied.append(name)
        print(f"  copied  {name}", file=out)
    print(f"Copied {len(copied)} notebook{'s' if len(copied) != 1 else ''} into {folder}.", file=out)
    if skipped:
        them = "it" if len(skipped) == 1 else "them"
        print(f"Skipped {len(skipped)} already there, to keep your edits: add --force to overwrite {them}.", file=out)
    if copied or skipped:
        print(f"Open them with: jupyter lab {folder}  (pip install 'micrograd-lesson[notebooks]' jupyterlab)", file=out)
    if failed:
        raise CommandError(_not_copied(failed, len(notebooks), folder))
    return 0


def _not_copied(failed: dict[str, str], total: int, folder: Path) -> str:
    """One line naming each notebook that could not be written, and why."""
    reasons = set(failed.values())
    if len(reasons) == 1:  # the same reason for each, as when the folder is read-only: say it once
        names = ", ".join(failed)
        return (
            f"cannot write {len(failed)} of the {total} notebooks into {folder} ({reasons.pop()}), not copied: {names}"
        )
    names = ", ".join(f"{name} ({why})" for name, why in failed.items())
    return f"cannot write {len(failed)} of the {total} notebooks into {folder}, not copied: {names}"


def lesson_notebooks() -> dict[str, bytes]:
    """The lesson's notebooks, name -> content: shipped inside the package, or in a clone's notebooks/ folder."""
    from importlib.resources import files

    folder = files("micrograd_lesson") / "notebooks"  # a wheel: pyproject's force-include puts them here
    if not folder.is_dir():  # an editable install or a clone: they stay in notebooks/, beside the package
        folder = Path(__file__).resolve().parents[2] / "notebooks"
    found = {f.name: f.read_bytes() for f in folder.iterdir() if f.name.endswith(".ipynb")} if folder.is_dir() else {}
    if not found:
        raise CommandError(f"no notebooks found in {folder}: reinstall micrograd-lesson")
    return dict(sorted(found.items()))


# --- site ---------------------------------------------------------------------------------------------


def cmd_site(args: argparse.Namespace, out: TextIO, style: Style) -> int:
    """Write the live lesson as a static folder: the page, the package, Pyodide and viz-js from npm pack."""
    from micrograd_lesson.app.static_site import PINS, PYODIDE, VIZ, SiteError, site_files, write_site

    if args.viz is None or (args.pyodide is None) == (args.pyodide_url is None):
        fetch = "\n".join(f"  {pin.fetch}" for pin in PINS)
        raise CommandError(
            f"the site carries Pyodide and viz-js, which you fetch with npm (Node.js), once:\n{fetch}\nthen run:\n"
            f"  micrograd-lesson site {args.dir} --pyodide {PYODIDE.name}-{PYODIDE.version}.tgz "
            f"--viz viz-js-viz-{VIZ.version}.tgz\n(or --pyodide-url URL instead of --pyodide: a Pyodide you host)"
        )
    try:
        files = site_files(args.viz, args.pyodide, args.pyodide_url)
        if args.dir.exists() and not args.dir.is_dir():
            raise SiteError(f"{args.dir} is a file, not a folder")
        failed = write_site(args.dir, files, args.force)
    except SiteError as error:
        raise CommandError(str(error)) from None
    if failed:
        names = ", ".join(f"{name} ({why})" for name, why in failed.items())
        written = len(files) - len(failed)
        raise CommandError(f"wrote {written} of the site's {len(files)} files into {args.dir}, not: {names}")
    size = sum(len(data) for data in files.values())
    print(f"Wrote the live lesson into {args.dir}: {len(files)} files, {size / 1e6:.1f} MB.", file=out)
    print(f"Try it: python3 -m http.server --directory {args.dir}, then open http://localhost:8000/", file=out)
    print("Publish it: copy the folder to any web host (GitHub Pages, a university web space).", file=out)
    return 0


# --- serve --------------------------------------------------------------------------------------------


def cmd_serve(args: argparse.Namespace, out: TextIO, style: Style) -> int:
    """Run the live lesson's web server until Ctrl-C."""
    if not 0 < args.port < 65536:
        args.parser.error(f"--port must be between 1 and 65535, got {args.port}")
    if not args.host.strip():  # the operating system would read it as every address, which the page should say
        args.parser.error("--host must name an address: 127.0.0.1 (this computer only) or 0.0.0.0 (every network)")
    from micrograd_lesson.app.server import serve

    try:
        serve(args.host, args.port, open_browser=not args.no_browser)
    except OSError as error:  # the port is taken, or the address is not this computer's
        if error.errno == errno.EADDRINUSE:
            raise CommandError(f"port {args.port} is taken by another program: choose another with --port") from None
        raise CommandError(f"cannot listen on {args.host}:{args.port}: {error.strerror or error}") from None
    return 0
