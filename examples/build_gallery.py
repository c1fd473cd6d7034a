"""Run every example and write the documentation's gallery (docs/gallery/).

Each page shows the example's purpose (its docstring), the command it was run
with, when and where, what it printed and the figures it drew. The pages are
built outputs, committed with the docs. Each page carries a stamp: the hash of its
example's source and the package version it ran with. ``tests/test_docs.py``
fails when a stamp differs from what the sources give now, so an example edited
(or a release bumped) without its page rebuilt does not pass CI:

    python examples/build_gallery.py                 # every example (about 20 min on one core)
    python examples/build_gallery.py images_digits   # one
    python examples/build_gallery.py --check         # exit 1, naming the stale pages
"""

import argparse
import hashlib
import platform
import subprocess
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

import torch

HERE = Path(__file__).resolve().parent
GALLERY = HERE.parent / "docs" / "gallery"

#: (script, kind of data, arguments, figures it writes; {img} is the gallery's image folder)
EXAMPLES = [
    ("mnist_quickstart", "images", ["--output", "{img}/mnist_quickstart.png"],
     ["mnist_quickstart.png"]),
    ("images_digits", "images", ["--output", "{img}/images_digits.png"], ["images_digits.png"]),
    ("oversampling_2d", "imbalanced over-sampling", ["--output", "{img}/oversampling_2d.png"],
     ["oversampling_2d.png"]),
    ("digits_quickstart", "tabular augmentation",
     ["--history", "{img}/digits_quickstart_history.png"], ["digits_quickstart_history.png"]),
    ("tsne_figure", "tabular augmentation", ["--output", "{img}/tsne_figure.png"],
     ["tsne_figure.png"]),
    ("imblearn_pipeline", "tabular augmentation", [], []),
    ("grid_search", "tabular augmentation", [], []),
    ("skorch_classifier", "tabular augmentation", [], []),
]


def stamp(script):
    """What a page was built from: the example's source and the package version."""
    from sk_activegan import __version__

    source = (HERE / f"{script}.py").read_bytes()
    digest = hashlib.sha1(source + __version__.encode()).hexdigest()[:12]
    return f"<!-- gallery stamp: {digest} (examples/{script}.py, sk_activegan {__version__}) -->"


README = HERE.parent / "README.md"
#: The README shows the main job's table as its gallery page printed it.
MAIN_JOB = "mnist_quickstart"
README_REGION = "build_gallery.py: main job"


def main_job_text(page_text):
    """The README's region: the main job's table from its gallery page, with when and
    how it ran."""
    built = next(line for line in page_text.splitlines() if line.startswith("Built on "))
    output = page_text.split("```text\n", 1)[1].split("```", 1)[0]
    table = "\n".join(line for line in output.splitlines() if not line.startswith("saved "))
    when = built[0].lower() + built[1:].split(" These are")[0].rstrip(".")
    return (f"It printed ({when}; on a 2-core machine shared with other jobs; the page: "
            f"[docs/gallery/{MAIN_JOB}.md](docs/gallery/{MAIN_JOB}.md)):\n\n```\n{table}\n```")


def readme_region():
    """The README's main-job region as committed."""
    text = README.read_text()
    start, end = f"<!-- {README_REGION} -->", f"<!-- /{README_REGION} -->"
    return text.split(start, 1)[1].split(end, 1)[0].strip()


def fill_readme():
    text = README.read_text()
    start, end = f"<!-- {README_REGION} -->", f"<!-- /{README_REGION} -->"
    head, rest = text.split(start, 1)
    tail = rest.split(end, 1)[1]
    region = main_job_text((GALLERY / f"{MAIN_JOB}.md").read_text())
    README.write_text(f"{head}{start}\n\n{region}\n\n{end}{tail}")


def stale():
    """The examples whose page is missing or was built from another source or release."""
    found = []
    for script, *_ in EXAMPLES:
        page = GALLERY / f"{script}.md"
        if not page.exists() or stamp(script) not in page.read_text():
            found.append(script)
    return found


def docstring(script):
    """(title, body): the docstring's first paragraph, and the rest without the
    usage lines (the page shows the command it ran)."""
    source = (HERE / f"{script}.py").read_text()
    text = source.split('"""')[1].strip()
    title, _, body = text.partition("\n\n")
    lines = [line for line in body.splitlines() if not line.startswith("    python ")]
    return " ".join(title.split()), "\n".join(lines).strip()


def run(script, kind, arguments, figures):
    img = GALLERY / "img"
    img.mkdir(parents=True, exist_ok=True)
    args = [a.format(img=img) for a in arguments]
    shown = [a.format(img="docs/gallery/img") for a in arguments]
    start = time.perf_counter()
    result = subprocess.run([sys.executable, str(HERE / f"{script}.py"), *args],
                            capture_output=True, text=True, check=True)
    seconds = time.perf_counter() - start
    title, body = docstring(script)
    when = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    from sk_activegan import __version__

    page = [stamp(script), "", f"# {title.rstrip('.')}", "", f"*Kind of data: {kind}.* Source: "
            f"`examples/{script}.py`.", "", body.strip(), "",
            "## Run", "", "```bash", f"python examples/{script}.py {' '.join(shown)}".strip(),
            "```", "",
            f"Built on {when} with sk_activegan {__version__}: {platform.machine()}, "
            f"{torch.get_num_threads()} torch threads, torch {torch.__version__}; "
            f"{seconds:.0f} s. These are the example's full settings (not `--fast`).", "", "## Output", "", "```text",
            result.stdout.strip().replace(f"{HERE.parent}/", ""), "```", ""]
    for figure in figures:
        page += [f"![{script}: figure](img/{figure})", ""]
    (GALLERY / f"{script}.md").write_text("\n".join(page))
    if script == MAIN_JOB:
        fill_readme()
    print(f"{script}: {seconds:.0f} s", flush=True)


def index():
    lines = ["# Gallery", "",
             "Every example of `examples/`, run with its full settings, with what it printed "
             "and the figures it drew (built by `python examples/build_gallery.py`; each page "
             "says when and with which release, and a test fails when an example changed "
             "after its page was built). One example per "
             "kind of data the library serves — tabular augmentation, images, imbalanced "
             "over-sampling — and the integrations. Every example also runs in seconds with "
             "`--fast`, a smoke test the test suite uses (its scores are not results).", "",
             "| example | kind of data | picture |", "| --- | --- | --- |"]
    for script, kind, _, figures in EXAMPLES:
        title = docstring(script)[0].rstrip(".")
        picture = (f"[![{script}](img/{figures[0]}){{ width=260 }}]({script}.md)"
                   if figures else "–")
        lines.append(f"| [{title}]({script}.md) | {kind} | {picture} |")
    (GALLERY / "index.md").write_text("\n".join(lines) + "\n")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("scripts", nargs="*", help="examples to run (default: all)")
    parser.add_argument("--check", action="store_true",
                        help="exit 1 when a page was built from another source or release")
    parser.add_argument("--stale", action="store_true", help="run only the stale examples")
    args = parser.parse_args(argv)
    if args.check:
        for script in stale():
            print(f"stale: docs/gallery/{script}.md: python examples/build_gallery.py {script}")
        return 1 if stale() else 0
    if args.stale:
        args.scripts = stale()
        if not args.scripts:
            return 0
    for script, kind, arguments, figures in EXAMPLES:
        if not args.scripts or script in args.scripts:
            run(script, kind, arguments, figures)
    index()
    return 0


if __name__ == "__main__":
    sys.exit(main())
