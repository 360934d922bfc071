"""The micrograd-lesson command line: tour, graph, train, playground, quiz, notebooks, serve."""

from __future__ import annotations

import argparse
import errno
import math
import os
import sys
import textwrap
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TextIO

from micrograd_lesson import __version__
from micrograd_lesson.engine import Value, topological_order
from micrograd_lesson.viz.render import GraphvizNotFoundError, RenderError, RenderTimeoutError

DEFAULT_OUT = "micrograd-lesson-out"
MAX_GRAPH_NODES = 100  # graph draws at most this many nodes: a Graphviz layout can take minutes when larger
MAX_LAYERS, MAX_NEURONS = 6, 64  # train --hidden's largest network: bigger ones take too long with scalars
EXAMPLES = """examples:
  micrograd-lesson                         the tour: the lesson in five stops, with drawings
  micrograd-lesson graph '(a*b + c).tanh()' --set a=2 b=-3 c=10 --backward
  micrograd-lesson graph '(a*b + c).tanh()' --set a=2 b=-3 c=10 --code   the graph as Python code
  micrograd-lesson train --dataset moons --plot moons.png
  micrograd-lesson playground --x1 1.0 --x2 0.5
  micrograd-lesson quiz
  micrograd-lesson notebooks lesson-notebooks   copy the notebooks into a folder of yours
  micrograd-lesson serve                   the live lesson in your browser
Each command has --help."""


class CommandError(Exception):
    """A command could not finish; main prints the message and exits with 1."""


# --- output: plain text, coloured only on a terminal -------------------------------------------------


class Style:
    """Wraps text in ANSI colours when enabled, else returns it unchanged."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled

    def _wrap(self, code: str, text: str) -> str:
        return f"\033[{code}m{text}\033[0m" if self.enabled else text

    def heading(self, text: str) -> str:
        """Bold."""
        return self._wrap("1", text)

    def good(self, text: str) -> str:
        """Green."""
        return self._wrap("32", text)

    def bad(self, text: str) -> str:
        """Red."""
        return self._wrap("31", text)

    def dim(self, text: str) -> str:
        """Dimmed."""
        return self._wrap("2", text)


def colour_enabled(stream: TextIO) -> bool:
    """Colour only on a terminal, and never when NO_COLOR is set or TERM is dumb."""
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty()) and not os.environ.get("NO_COLOR") and os.environ.get("TERM") != "dumb"


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


def drawing_path(text: str) -> Path:
    """An output file ending in .svg or .png."""
    path = Path(text)
    if path.suffix.lower() not in (".svg", ".png"):
        raise argparse.ArgumentTypeError(f"the drawing must be a .svg or .png file, got {text!r}")
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
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    tour = _command(commands, "tour", cmd_tour, "walk through the lesson in the terminal (the default)")
    tour.add_argument(
        "--out", type=Path, default=Path(DEFAULT_OUT), metavar="DIR", help=f"folder for the drawings ({DEFAULT_OUT})"
    )
    tour.add_argument("--interactive", action="store_true", help="wait for Enter between sections (on a terminal)")

    graph = _command(commands, "graph", cmd_graph, "draw the computation graph of an expression")
    graph.add_argument(
        "expression",
        nargs="?",  # checked in cmd_graph, so that it may also come after --set's pairs
        help="e.g. '(a*b + c).tanh()': numbers, the names you --set, + - * / **, and tanh exp log relu sigmoid "
        "(as x.tanh() or tanh(x))",
    )
    graph.add_argument("--set", nargs="+", default=[], metavar="NAME=NUMBER", help="the inputs, e.g. --set a=2 b=-3")
    graph.add_argument(
        "--out",
        type=drawing_path,
        default=Path("graph.svg"),
        metavar="PATH",
        help="the drawing, .svg or .png (graph.svg)",
    )
    graph.add_argument("--backward", action="store_true", help="run backward() first, so the grads are filled in")
    graph.add_argument(
        "--chain-rule", action="store_true", help="label each edge local x upstream (implies --backward)"
    )
    graph.add_argument(
        "--code",
        nargs="?",
        const="-",
        metavar="FILE",
        help="print the graph as Python code: forward, then one line per chain-rule step (or write it to FILE)",
    )

    train = _command(commands, "train", cmd_train, "train a small network and report its accuracy")
    train.add_argument("--dataset", choices=("xor", "moons", "circles"), default="moons", help="the data (moons)")
    train.add_argument(
        "--hidden", type=layer_sizes, default=[16, 16], metavar="SIZES", help="hidden layer sizes (16,16)"
    )
    train.add_argument("--epochs", type=positive_int, default=100, help="passes over the data (100)")
    train.add_argument("--lr", type=positive_float, default=0.05, help="Adam's learning rate (0.05)")
    train.add_argument("--seed", type=int, default=0, help="for the data and the first weights (0)")
    train.add_argument(
        "--plot",
        type=drawing_path,
        metavar="PATH",
        help="save the decision boundary at PATH (.png or .svg) and the loss beside it at PATH-loss (needs matplotlib)",
    )
    train.add_argument("--save", type=Path, metavar="PATH", help="save the trained model as JSON")
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
    notebooks.add_argument("dir", type=Path, metavar="DIR", help="the folder (created if missing)")
    notebooks.add_argument("--force", action="store_true", help="overwrite notebooks already there")

    serve = _command(commands, "serve", cmd_serve, "open the live lesson in your browser, served from this computer")
    serve.add_argument("--port", type=int, default=8000, help="the port to listen on (8000)")
    serve.add_argument("--host", default="127.0.0.1", help="the address to listen on (127.0.0.1: this computer only)")
    serve.add_argument("--no-browser", action="store_true", help="print the address without opening a browser")
    return parser


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
        args = parser.parse_args(["tour"])
    out = sys.stdout
    try:
        return args.handler(args, out, Style(colour_enabled(out)))
    except RenderTimeoutError as error:  # draw_dot's options, which its message names, are not flags here
        advice = "draw a smaller expression" if args.command == "graph" else "try again when the computer is less busy"
        print(
            f"micrograd-lesson {args.command}: the drawing took longer than {error.seconds:g}s, the limit; {advice}",
            file=sys.stderr,
        )
        return 1
    except (CommandError, GraphvizNotFoundError, RenderError) as error:  # say how to fix it, not a traceback
        print(f"micrograd-lesson {args.command}: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print(file=out)
        return 130
    except BrokenPipeError:  # the reader went away, e.g. `micrograd-lesson | head`: stop quietly
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # as the Python docs advise
        return 1


# --- tour ---------------------------------------------------------------------------------------------


def cmd_tour(args: argparse.Namespace, out: TextIO, style: Style) -> int:
    """Print the lesson a section at a time, writing each section's drawings into args.out."""
    from micrograd_lesson.app.tour import sections

    stops = sections()
    wait = args.interactive and sys.stdin.isatty()
    print(style.heading(f"micrograd_lesson {__version__}: the lesson in {len(stops)} stops"), file=out)
    if wait:
        print("Press Enter after each section to go on.", file=out)
    written: list[Path] = []
    for i, section in enumerate(stops):
        print(f"\n{style.heading(section.title)}\n\n{section.text}", file=out)
        if section.drawings:
            written += _draw_all(section.drawings, args.out, out, style)
        if wait and i < len(stops) - 1 and not _pause(out):
            break
    if written:
        folder = args.out.resolve()
        print(
            f"\nThe tour drew {len(written)} picture{'s' if len(written) != 1 else ''} into {folder}{os.sep}\n"
            "Open them in a web browser; backprop-steps.html steps through backpropagation one edge at a time.",
            file=out,
        )
    print(
        "\nNext: micrograd-lesson graph '(a*b + c).tanh()' --set a=2 b=-3 c=10 --backward  (your own graph)"
        "\n      micrograd-lesson quiz  (the quick check)    micrograd-lesson --help  (everything else)",
        file=out,
    )
    return 0


def _pause(out: TextIO) -> bool:
    """Wait for Enter; False when the input ends (Ctrl-D). The prompt goes to out: input() would use stderr."""
    print("\n[Enter] for the next section, Ctrl-D to stop ", end="", file=out, flush=True)
    try:
        input()
    except EOFError:
        print(file=out)
        return False
    return True


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
    """Parse the expression safely, optionally run backward, print its nodes and draw it."""
    from micrograd_lesson.expression import ExpressionError, parse_assignments, parse_expression

    if args.expression is None and args.set and "=" not in args.set[-1]:  # graph --set a=2 b=3 'a*b'
        args.expression = args.set.pop()
    if args.expression is None:
        args.parser.error("the following arguments are required: expression")
    try:
        parsed = parse_expression(args.expression, parse_assignments(args.set), max_nodes=MAX_GRAPH_NODES)
    except ExpressionError as error:
        args.parser.error(str(error))
    except (ArithmeticError, ValueError) as error:
        args.parser.error(f"cannot compute {args.expression!r}: {error}")
    root = parsed.value
    if not root.label:
        root.label = "out"
    backward = args.backward or args.chain_rule
    if backward:
        try:
            root.backward()
        except ArithmeticError as error:
            args.parser.error(f"cannot backpropagate through {args.expression!r}: {error}")
    given = ", ".join(f"{name} = {v.data:g}" for name, v in parsed.inputs.items())
    print(f"{style.heading(args.expression)}" + (f"   with {given}" if given else ""), file=out)
    print(node_table(root), file=out)
    if not backward:
        print(style.dim("(every grad is 0 until backward() runs: add --backward to fill them in)"), file=out)
    if args.code:
        _print_code(root, args.code, out, style)
    _save(_draw_graph(root, chain_rule=args.chain_rule), args.out, out)
    return 0


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


def node_table(root: Value) -> str:
    """Every node of root's graph, parents first: label, op, data and grad."""
    lines = [f"  {'node':<16} {'op':<8} {'data':>12} {'grad':>12}"]
    for node in topological_order(root):
        label = node.label or "(unnamed)"
        lines.append(f"  {label:<16} {node._op:<8} {node.data:>12.6g} {node.grad:>12.6g}")
    return "\n".join(lines)


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
    """Train an MLP on a small dataset with a progress bar; report accuracy; optionally plot and save."""
    from micrograd_lesson import data
    from micrograd_lesson.losses import hinge
    from micrograd_lesson.metrics import accuracy
    from micrograd_lesson.nn import MLP
    from micrograd_lesson.optim import Adam
    from micrograd_lesson.training import TrainingLoop

    if args.plot:
        _need_matplotlib()
    X, y = data.xor() if args.dataset == "xor" else getattr(data, args.dataset)(n=100, noise=0.1, seed=args.seed)
    sizes = [*args.hidden, 1]
    model = MLP(2, sizes, seed=args.seed)  # ReLU hidden layers; the output is a score whose sign is the class
    optimizer = Adam(model.parameters(), lr=args.lr)
    loop = TrainingLoop(model, X, data.signed(y), loss=hinge, optimizer=optimizer, compiled=args.compiled)
    print(
        f"Training MLP(2, {sizes}) on {args.dataset} ({len(X)} points) for {args.epochs} epochs: "
        f"hinge loss, Adam with lr {args.lr:g}, seed {args.seed}"
        + (", the loss graph compiled" if args.compiled else ""),
        file=out,
        flush=True,
    )
    try:
        losses = loop.run(args.epochs, progress=True, record=False)  # the bar goes to stderr; memory stays flat
    except ArithmeticError as error:
        raise CommandError(f"with --lr {args.lr:g}, {error}") from None  # it says where, and to lower lr
    right = accuracy(model, X, y)
    result = f"final loss {losses[-1]:.4f}, accuracy {right:.0%}"
    print(f"{result} ({round(right * len(X))} of {len(X)} points)", file=out)
    written, failed = [], []  # the training is done: a file that cannot be written does not stop the others
    for path, what, write in _train_outputs(args, model, X, y, losses):
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


def _need_matplotlib() -> None:
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        raise CommandError("--plot needs matplotlib: pip install 'micrograd-lesson[notebooks]'") from None


def _train_outputs(args: argparse.Namespace, model, X, y, losses: list[float]) -> list[tuple[Path, str, Callable]]:
    """The files train was asked for, as (path, what it holds, a function that writes it to a path)."""
    outputs = []
    if args.plot:  # the decision boundary at PATH, the loss curve beside it at PATH's name + '-loss'
        from micrograd_lesson.viz import plot_decision_boundary, plot_loss

        boundary, curve = plot_decision_boundary(model, X, y), plot_loss(losses)
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
    """Ask the quick check (or take --answer), explain; then, when asked interactively, the gradient exercises."""
    from micrograd_lesson.app.quiz import EXERCISES, QUICK_CHECK, check_answer

    print(style.heading(QUICK_CHECK.prompt), file=out)
    for option in QUICK_CHECK.options:
        print(wrap(option.text, f"  {option.letter}. "), file=out)
    try:
        letter = args.answer or _ask(f"Your answer ({', '.join(QUICK_CHECK.letters)}): ", QUICK_CHECK.option, out)
    except ValueError as error:
        args.parser.error(str(error))
    if letter is None:
        args.parser.error("no answer was given: type a letter, or pass --answer A, B, C or D")
    feedback = check_answer(letter)
    print((style.good if feedback.correct else style.bad)(wrap(feedback.message)), file=out)
    all_right = feedback.correct
    if args.answer is None:  # a person is answering: go on to the exercises
        print(style.heading("\nPredict the gradient (Enter skips one)"), file=out)
        for exercise in EXERCISES:
            print("\n" + wrap(exercise.question), file=out)
            try:
                guess = _ask("Your answer: ", _number_or_blank, out)
            except ValueError as error:
                args.parser.error(str(error))
            if guess is None:  # no more input
                break
            if guess == "":
                print(style.dim(wrap(f"Skipped: it is {exercise.answer():.4g}. {exercise.explanation}")), file=out)
                continue
            feedback = exercise.check(guess)
            all_right = all_right and feedback.correct
            print((style.good if feedback.correct else style.bad)(wrap(feedback.message)), file=out)
    return 0 if all_right else 1


def wrap(text: str, first: str = "") -> str:
    """Fill each paragraph of text to 90 columns; the first line starts with first, the rest line up under it."""
    indent = " " * len(first)
    return "\n".join(
        textwrap.fill(line, 90, initial_indent=first if i == 0 else indent, subsequent_indent=indent)
        for i, line in enumerate(text.splitlines())
    )


def _number_or_blank(text: str) -> str:
    text = text.strip()
    if text:
        finite_float(text)
    return text


def _ask(prompt: str, parse, out: TextIO) -> str | None:
    """Read an answer from stdin; None at the end of input. A bad answer is asked again on a terminal,
    and raises ValueError from a pipe (nobody is there to correct it)."""
    while True:
        print(prompt, end="", file=out, flush=True)
        try:
            text = input()
        except EOFError:
            print(file=out)
            return None
        interactive = sys.stdin.isatty()
        if not interactive:  # echo piped answers, so the transcript reads like a conversation
            print(text, file=out)
        try:
            parse(text)
        except (ValueError, argparse.ArgumentTypeError) as error:
            if not interactive:
                raise ValueError(str(error)) from None
            print(f"  {error}", file=out)
            continue
        return text.strip()


# --- notebooks ----------------------------------------------------------------------------------------


def cmd_notebooks(args: argparse.Namespace, out: TextIO, style: Style) -> int:
    """Copy the lesson's notebooks into args.dir, keeping any already there (the learner's work) unless --force."""
    from micrograd_lesson._files import write_file

    folder = args.dir
    _make_folder(folder)
    copied, skipped = [], []
    for name, content in lesson_notebooks().items():
        target = folder / name
        if target.exists() and not args.force:
            skipped.append(name)
            print(style.dim(f"  skipped {name} (already there)"), file=out)
            continue
        with _writing(target):
            write_file(target, content)  # whole or not at all: never half a notebook
        copied.append(name)
        print(f"  copied  {name}", file=out)
    print(f"Copied {len(copied)} notebook{'s' if len(copied) != 1 else ''} into {folder}.", file=out)
    if skipped:
        them = "it" if len(skipped) == 1 else "them"
        print(f"Skipped {len(skipped)} already there, to keep your edits: add --force to overwrite {them}.", file=out)
    print(f"Open them with: jupyter lab {folder}  (pip install 'micrograd-lesson[notebooks]' jupyterlab)", file=out)
    return 0


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


# --- serve --------------------------------------------------------------------------------------------


def cmd_serve(args: argparse.Namespace, out: TextIO, style: Style) -> int:
    """Run the live lesson's web server until Ctrl-C."""
    if not 0 < args.port < 65536:
        args.parser.error(f"--port must be between 1 and 65535, got {args.port}")
    from micrograd_lesson.app.server import serve

    try:
        serve(args.host, args.port, open_browser=not args.no_browser)
    except OSError as error:  # the port is taken, or the address is not this computer's
        raise CommandError(f"cannot listen on {args.host}:{args.port}: {error.strerror or error}") from None
    return 0
