"""Benchmark: BG/NBD, Pareto/NBD and gamma-gamma fits of crm_lessons.clv against ``lifetimes``.

Fits each model on the CDNOW calibration summary (to 1997-09-30, time in weeks
from daily dates, same-day purchases merged) of the 2,357-customer sample and
of the full 23,570-customer log, with crm_lessons and with lifetimes on the
same input, and prints the best-of-N fit times, their ratio and the largest
parameter difference. Also times the transaction-log summary against
``lifetimes.utils.calibration_and_holdout_data(..., freq="D", freq_multiplier=7)``.

Run: /work/venv/bin/python benchmarks/bench_clv.py [--repeats N]
(lifetimes must be installed; without it only our times are printed.)
"""

from __future__ import annotations

import argparse
import time
import warnings

import numpy as np
import pandas as pd

from crm_lessons import clv
from crm_lessons.data import load_cdnow

try:
    import lifetimes
    from lifetimes.utils import calibration_and_holdout_data
except ImportError:  # the benchmark still prints our own figures
    lifetimes = None

CALIBRATION_END = "1997-09-30"


def best_time(function, repeats):
    """Smallest wall time of ``repeats`` calls (the machine is shared) and the last result."""
    best, result = np.inf, None
    for _ in range(repeats):
        start = time.perf_counter()
        result = function()
        best = min(best, time.perf_counter() - start)
    return best, result


def fits(summary):
    """(model, our fit function, lifetimes fit function) on one calibration summary."""
    f, r, t = summary.frequency_cal, summary.recency_cal, summary.T_cal
    repeat = summary[(summary.frequency_cal > 0) & (summary.monetary_value_cal > 0)]
    models = [
        (
            "BG/NBD",
            lambda: clv.fit_bgnbd(f, r, t).params.to_numpy(),
            lambda: lifetimes.BetaGeoFitter().fit(f, r, t).params_.to_numpy(),
        ),
        (
            "Pareto/NBD",
            lambda: clv.fit_pareto_nbd(f, r, t).params.to_numpy(),
            lambda: lifetimes.ParetoNBDFitter().fit(f, r, t).params_.to_numpy(),
        ),
        (
            "gamma-gamma",
            lambda: clv.fit_gamma_gamma(repeat.frequency_cal, repeat.monetary_value_cal).params.to_numpy(),
            lambda: (
                lifetimes.GammaGammaFitter()
                .fit(repeat.frequency_cal, repeat.monetary_value_cal)
                .params_.to_numpy()
            ),
        ),
    ]
    return models


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5, help="timed runs per fit; the best is reported")
    args = parser.parse_args(argv)
    warnings.simplefilter("ignore")  # lifetimes' pandas deprecation warnings would flood the table

    rows = []
    for label, sample in (("sample (2,357)", True), ("master (23,570)", False)):
        log = load_cdnow(sample=sample)
        ours_s, summary = best_time(
            lambda log=log: clv.calibration_and_holdout(
                log, monetary_col="dollars", calibration_end=CALIBRATION_END
            ),
            args.repeats,
        )
        row = {"data": label, "model": "summary", "ours_s": ours_s}
        if lifetimes is not None:
            row["lifetimes_s"], _ = best_time(
                lambda log=log: calibration_and_holdout_data(
                    log,
                    "customer_id",
                    "date",
                    calibration_period_end=CALIBRATION_END,
                    freq="D",
                    freq_multiplier=7,
                    monetary_value_col="dollars",
                ),
                args.repeats,
            )
        rows.append(row)
        for model, ours, theirs in fits(summary):
            # the Pareto/NBD fit in lifetimes takes seconds on the master: fewer repeats there
            repeats = args.repeats if sample or model != "Pareto/NBD" else max(1, args.repeats // 3)
            ours_s, ours_params = best_time(ours, repeats)
            row = {
                "data": label,
                "model": model,
                "ours_s": ours_s,
                "params": np.array2string(ours_params, precision=4, separator=", "),
            }
            if lifetimes is not None:
                theirs_s, their_params = best_time(theirs, repeats)
                row.update(
                    lifetimes_s=theirs_s,
                    max_abs_param_diff=float(np.max(np.abs(ours_params - their_params))),
                    max_rel_param_diff=float(np.max(np.abs(ours_params / their_params - 1))),
                )
            rows.append(row)

    table = pd.DataFrame(rows)
    if lifetimes is not None:
        table["speed-up (lifetimes / ours)"] = table["lifetimes_s"] / table["ours_s"]
        print(f"lifetimes {lifetimes.__version__}, best of {args.repeats} runs, times in seconds")
    else:
        print("lifetimes is not installed: our times only")
    with pd.option_context(
        "display.width",
        250,
        "display.max_columns",
        20,
        "display.max_colwidth",
        60,
        "display.float_format",
        "{:.4g}".format,
    ):
        print(table.to_string(index=False))


if __name__ == "__main__":
    main()
