"""Write the image ablation's committed per-seed results back into the row cache.

``benchmarks/images.py`` keeps one JSON per (data set, n, seed, row) in a cache that
git ignores; ``benchmarks/results/images_ablation.json`` keeps every row's per-seed
gain and baseline. This restores the rows measured with earlier library versions,
under the names the report gives them now (``RENAMED``), without overwriting a row
the cache already holds. Then ``python -m benchmarks.images --report --ablation ...``
rebuilds the tables from old and new rows alike.

    python -m benchmarks.restore_image_cache                       # results/cache_images
    python -m benchmarks.restore_image_cache --cache-dir /tmp/images  # another cache
"""

import argparse
import json
from pathlib import Path

from . import harness
#: Rows whose settings changed meaning since they were measured: the former image
#: defaults (the warp generator trained 1,000 iterations from a random head, λ = 1).
RENAMED = {"ActiveGAN": "former-defaults", "ActiveGAN-nosel": "former-defaults-nosel"}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cache-dir", default=str(harness.RESULTS / "cache_images"),
                        help="the row cache to restore into (images' --cache-dir)")
    cache = Path(parser.parse_args(argv).cache_dir)
    cache.mkdir(parents=True, exist_ok=True)
    written = 0
    for entry in harness.load_results("images_ablation"):
        method = RENAMED.get(entry["method"], entry["method"])
        for seed, gain in entry["gains"].items():
            key = {"dataset": entry["dataset"], "n": entry["n"], "seed": int(seed)}
            for name, f1 in (("baseline", entry["baseline"][seed]),
                             (method, entry["baseline"][seed] + gain)):
                path = cache / f"{key['dataset']}__n{key['n']}__seed{seed}__{name}.json"
                if path.exists():
                    continue
                path.write_text(json.dumps({**key, "method": name, "f1": f1,
                                            "restored_from": "images_ablation.json"}))
                written += 1
    print(f"{written} rows restored into {cache}")


if __name__ == "__main__":
    main()
