"""mkdocs hook: serve MathJax from the site itself, so formulas render offline.

MathJax 2.7 comes from the ``jupyter_server_mathjax`` package (a ``docs`` extra);
after each build its files are copied to ``javascripts/mathjax`` in the site.
"""

import shutil
from pathlib import Path


def on_post_build(config, **kwargs):
    import jupyter_server_mathjax

    static = Path(jupyter_server_mathjax.__file__).parent / "static"
    target = Path(config["site_dir"]) / "javascripts" / "mathjax"
    shutil.rmtree(target, ignore_errors=True)
    shutil.copytree(static, target, ignore=shutil.ignore_patterns("localization"))
