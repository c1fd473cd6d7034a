"""Write the image ablation's committed per-seed results back into the row cache.

``benchmarks/images.py`` keeps one JSON per (data set, n, seed, row) in a cache that
git ignores; ``benchmarks/results/images_ablation.json`` keeps every row's per-seed
gain and baseline. This restores the rows measured with earlier library versions,
under the names the report gives them now (``RENAMED``), without overwriting a row
the cache already holds. Then ``python benchmarks/images.py --report --ablation ...``
rebuilds the tables from old and new rows alike.

    python benchmarks/restore_image_cache.py
"""

import json
from pathlib import Path

HERE = Path(__file__).resolve().parent
#: Rows whose settings changed meaning since they were measured: the former image
#: defaults (the warp generator trained 1,000 iterations from a random head, λ = 1).
RENAMED = {"ActiveGAN": "former-defaults", "ActiveGAN-nosel": "former-defaults-nosel"}


def main():
    cache = HERE / "results" / "cache_images"
    cache.mkdir(parents=True, exist_ok=True)
    written = 0
    for entry in json.loads((HERE / "results" / "images_ablation.json").read_text()):
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
