"""Lead scoring: which potential customers (潜在客户) are most likely to become customers.

A logistic regression on the leads table turns what sales knows about a lead (where it came
from, what kind of buyer it is, whether it asked for a quote, how often it visited the
website) into a probability of converting. Sorting leads by that score and cutting them into
ten equal groups (deciles) shows whether the score really separates good leads from poor ones.

Examples
--------
>>> import pandas as pd
>>> from crm_lessons.leads import conversion_by_decile
>>> scores = pd.Series([0.9, 0.8, 0.3, 0.2])
>>> conversion_by_decile(scores, pd.Series([True, True, False, True]), n_groups=2)
       leads  converted  conversion_rate  lift  min_score  max_score
group
1          2          2              1.0  1.33        0.8        0.9
2          2          1              0.5  0.67        0.2        0.3
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import StratifiedKFold

from crm_lessons._validation import require_boolean, require_columns, require_numeric

#: Categorical inputs and their baseline level (the level every coefficient is compared with).
CATEGORICAL_BASELINES = {"source": "cold call", "kind": "consumer"}
#: Numeric inputs used as they are.
NUMERIC_INPUTS = ("requested_quote", "website_visits")


def lead_features(leads: pd.DataFrame) -> pd.DataFrame:
    """Model inputs of each lead: 0/1 indicators for source and kind, quote request, visits.

    Parameters
    ----------
    leads : pandas.DataFrame
        The leads table (``crm_lessons.data.load_leads()``).

    Returns
    -------
    pandas.DataFrame
        Columns ``source[referral]``, ``source[trade fair]``, ``source[website]``,
        ``kind[intermediary]``, ``kind[organisation]`` (1 when the lead has that level;
        baselines cold call and consumer), ``requested_quote`` (0/1) and ``website_visits``.

    Examples
    --------
    >>> import pandas as pd
    >>> leads = pd.DataFrame({"source": ["referral", "cold call"], "kind": ["consumer", "organisation"],
    ...                       "requested_quote": [True, False], "website_visits": [3, 0]})
    >>> lead_features(leads).T
                         0  1
    source[referral]     1  0
    source[trade fair]   0  0
    source[website]      0  0
    kind[intermediary]   0  0
    kind[organisation]   0  1
    requested_quote      1  0
    website_visits       3  0

    Checked by hand on two leads.
    """
    require_columns(leads, list(CATEGORICAL_BASELINES) + list(NUMERIC_INPUTS), "leads", source="load_leads()")
    from crm_lessons import schema

    cols = {}
    for name, baseline in CATEGORICAL_BASELINES.items():
        levels = schema.TABLES["leads"].column(name).categories
        values = leads[name].astype(str)
        unknown = sorted(set(values) - set(levels))
        if unknown:
            raise ValueError(
                f"`leads` column {name!r} has unknown values {unknown}; expected {list(levels)}."
            )
        for level in levels:
            if level != baseline:
                cols[f"{name}[{level}]"] = (values == level).astype("int64").to_numpy()
    cols["requested_quote"] = require_boolean(leads, "requested_quote", "leads").astype("int64").to_numpy()
    visits = require_numeric(leads, "website_visits", "leads", min_value=0)
    if not (visits == visits.round()).all():
        raise ValueError(
            "`leads` column 'website_visits' must hold whole numbers of visits; round or correct it."
        )
    cols["website_visits"] = visits.astype("int64").to_numpy()
    return pd.DataFrame(cols, index=leads.index)


def fit_lead_model(leads: pd.DataFrame, C: float = 1e4) -> LogisticRegression:
    """Fit the lead-scoring logistic regression on leads with a known outcome.

    Parameters
    ----------
    leads : pandas.DataFrame
        The leads table with ``converted``.
    C : float, default 1e4
        Inverse regularisation strength of scikit-learn's LogisticRegression; large means
        (almost) plain maximum likelihood, so coefficients read as log-odds.

    Returns
    -------
    sklearn.linear_model.LogisticRegression
        Fitted on :func:`lead_features`; ``feature_names_in_`` names the inputs.

    Notes
    -----
    .. math::

        P(\\text{convert}) = \\frac{1}{1 + e^{-(\\beta_0 + \\sum_j \\beta_j x_j)}}

    :math:`e^{\\beta_j}` is the odds ratio: how many times the odds of converting multiply
    when input :math:`j` rises by one.

    References
    ----------
    Hosmer, Lemeshow & Sturdivant (2013), *Applied Logistic Regression*, 3rd ed., Wiley;
    scikit-learn's ``LogisticRegression``; course chapter 2, "潜在客户分析".

    Examples
    --------
    >>> import pandas as pd
    >>> leads = pd.DataFrame({"source": ["referral", "cold call"] * 20, "kind": ["consumer"] * 40,
    ...                       "requested_quote": [True, False] * 20, "website_visits": [2, 1] * 20,
    ...                       "converted": [True, False, False, False] * 10})
    >>> model = fit_lead_model(leads)
    >>> round(float(lead_scores(model, leads).iloc[0]), 2)
    0.5

    Checked: half of the referral leads convert in this toy table, and the fitted probability is 0.5.
    """
    require_columns(leads, ["converted"], "leads", source="load_leads()")
    if not (isinstance(C, (int, float)) and C > 0):
        raise ValueError(f"`C` must be a positive number, got {C!r}.")
    x = lead_features(leads)
    y = require_boolean(leads, "converted", "leads").to_numpy()
    if y.all() or not y.any():
        raise ValueError("`leads` must contain both converted and unconverted leads to fit a model.")
    return LogisticRegression(C=C, max_iter=5000).fit(x, y)


def _check_model(model) -> None:
    if not isinstance(model, LogisticRegression) or not hasattr(model, "coef_"):
        raise TypeError(
            f"`model` must be a fitted model from fit_lead_model(leads), got {type(model).__name__}."
        )


def lead_scores(model: LogisticRegression, leads: pd.DataFrame) -> pd.Series:
    """Probability of converting for each lead, from a fitted model.

    Parameters
    ----------
    model : LogisticRegression
        From :func:`fit_lead_model`.
    leads : pandas.DataFrame
        Leads to score (need not have ``converted``).

    Returns
    -------
    pandas.Series
        ``score`` in [0, 1], same index as ``leads``.

    Examples
    --------
    See :func:`fit_lead_model`.

    Checked against the toy table in :func:`fit_lead_model`.
    """
    _check_model(model)
    p = model.predict_proba(lead_features(leads))[:, 1]
    return pd.Series(p, index=leads.index, name="score")


def lead_coefficients(model: LogisticRegression) -> pd.DataFrame:
    """The model's coefficients as log-odds, odds ratios and scorecard points.

    Parameters
    ----------
    model : LogisticRegression
        From :func:`fit_lead_model`.

    Returns
    -------
    pandas.DataFrame
        Index ``input`` (``intercept`` first): ``log_odds``, ``odds_ratio`` = e^coefficient
        and ``points`` = coefficient × 20 / ln 2 (a scorecard where 20 points double the odds),
        rounded to whole points.

    Notes
    -----
    Points-to-double-the-odds (PDO) scaling is the usual way credit and lead scorecards turn
    a logistic model into points a salesperson can add up by hand.

    References
    ----------
    Siddiqi (2006), *Credit Risk Scorecards*, Wiley (PDO scaling).

    Examples
    --------
    >>> import pandas as pd
    >>> leads = pd.DataFrame({"source": ["referral", "cold call"] * 20, "kind": ["consumer"] * 40,
    ...                       "requested_quote": [True, False] * 20, "website_visits": [2, 1] * 20,
    ...                       "converted": [True, False, False, False] * 10})
    >>> lead_coefficients(fit_lead_model(leads)).loc["intercept", "points"] < 0
    np.True_

    Checked against the generator's true coefficients on the case data (tests/test_leads.py).
    """
    _check_model(model)
    names = ["intercept"] + list(model.feature_names_in_)
    coef = np.concatenate([model.intercept_, model.coef_[0]])
    out = pd.DataFrame(
        {"log_odds": coef, "odds_ratio": np.exp(coef), "points": np.round(coef * 20 / np.log(2))},
        index=pd.Index(names, name="input"),
    )
    return out


def out_of_fold_scores(leads: pd.DataFrame, folds: int = 5, random_state: int = 0) -> pd.Series:
    """Honest scores: each lead is scored by a model fitted without it (k-fold cross-fitting).

    Parameters
    ----------
    leads : pandas.DataFrame
        Leads with ``converted``.
    folds : int, default 5
        Number of folds (stratified by outcome, shuffled with ``random_state``).
    random_state : int, default 0
        Seed of the fold assignment.

    Returns
    -------
    pandas.Series
        ``score`` per lead.

    Notes
    -----
    Scoring leads with a model fitted on those same leads flatters it; out-of-fold scores
    show how the score would do on new leads.

    Examples
    --------
    >>> import pandas as pd
    >>> leads = pd.DataFrame({"source": ["referral", "cold call"] * 20, "kind": ["consumer"] * 40,
    ...                       "requested_quote": [True, False] * 20, "website_visits": [2, 1] * 20,
    ...                       "converted": [True, False, False, False] * 10})
    >>> s = out_of_fold_scores(leads, folds=2)
    >>> len(s), bool(s.between(0, 1).all()), bool(s[leads["source"] == "cold call"].max() < 0.01)
    (40, True, True)

    Checked: the same seed gives the same scores; cold-call leads in the toy table score near 0.
    """
    if not isinstance(folds, (int, np.integer)) or folds < 2:
        raise ValueError(f"`folds` must be a whole number ≥ 2, got {folds!r}.")
    require_columns(leads, ["converted"], "leads", source="load_leads()")
    y = require_boolean(leads, "converted", "leads").to_numpy()
    if min(int(y.sum()), int((~y).sum())) < folds:
        raise ValueError(
            f"`leads` needs at least `folds`={folds} converted and {folds} unconverted leads "
            f"(it has {int(y.sum())} and {int((~y).sum())}); use fewer folds or more leads."
        )
    scores = np.empty(len(leads))
    splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=random_state)
    for train, test in splitter.split(np.zeros(len(y)), y):
        scores[test] = lead_scores(fit_lead_model(leads.iloc[train]), leads.iloc[test]).to_numpy()
    return pd.Series(scores, index=leads.index, name="score")


def conversion_by_decile(scores: pd.Series, converted: pd.Series, n_groups: int = 10) -> pd.DataFrame:
    """Conversion rate in groups of leads of equal size, from the highest scores down.

    Parameters
    ----------
    scores : pandas.Series
        Score per lead (higher = more likely).
    converted : pandas.Series
        Whether each lead converted, aligned with ``scores``.
    n_groups : int, default 10
        Number of groups (10 = deciles).

    Returns
    -------
    pandas.DataFrame
        Index ``group`` (1 = best-scored leads): ``leads``, ``converted``, ``conversion_rate``,
        ``lift`` = group rate / overall rate (2 decimals), ``min_score``, ``max_score``.

    Notes
    -----
    Leads are sorted by score (ties in their original order) and split into ``n_groups``
    nearly equal parts. A useful score has a falling conversion rate down the groups.

    References
    ----------
    Decile (gains) tables as in direct-marketing response analysis; course chapter 2, "潜在客户分析".

    Examples
    --------
    See the module example.

    Checked by hand on four leads in two groups (module example).
    """
    if not isinstance(n_groups, (int, np.integer)) or n_groups < 1:
        raise ValueError(f"`n_groups` must be a positive whole number, got {n_groups!r}.")
    if len(scores) != len(converted):
        raise ValueError(f"`converted` must have one value per score ({len(scores)}), got {len(converted)}.")
    if len(scores) == 0:
        raise ValueError("`scores` is empty; score at least one lead.")
    s = require_numeric(pd.Series(np.asarray(scores, dtype=object)), None, "scores").to_numpy()
    y = require_boolean(pd.Series(np.asarray(converted, dtype=object)), None, "converted").to_numpy()
    if not y.any():
        raise ValueError("`converted` has no converted lead, so the lift (rate / overall rate) is undefined.")
    order = np.argsort(-s, kind="stable")
    groups = np.empty(len(s), dtype=int)
    groups[order] = np.arange(len(s)) * n_groups // len(s) + 1
    t = pd.DataFrame({"group": groups, "y": y, "s": s})
    g = t.groupby("group")
    out = pd.DataFrame({"leads": g.size(), "converted": g["y"].sum().astype("int64")})
    out["conversion_rate"] = out["converted"] / out["leads"]
    out["lift"] = (out["conversion_rate"] / y.mean()).round(2)
    out["min_score"] = g["s"].min()
    out["max_score"] = g["s"].max()
    return out


def score_quality(scores: pd.Series, converted: pd.Series) -> float:
    """Area under the ROC curve (AUC) of a lead score: 0.5 is guessing, 1 is perfect.

    Parameters
    ----------
    scores, converted : pandas.Series
        Scores and outcomes, aligned.

    Returns
    -------
    float

    Notes
    -----
    AUC = probability that a randomly chosen converting lead is scored above a randomly
    chosen non-converting one.

    Examples
    --------
    >>> import pandas as pd
    >>> score_quality(pd.Series([0.9, 0.8, 0.3, 0.2]), pd.Series([True, False, True, False]))
    0.75

    Checked by hand: 3 of the 4 (converted, not converted) pairs are ordered correctly.
    """
    if len(scores) != len(converted):
        raise ValueError(f"`converted` must have one value per score ({len(scores)}), got {len(converted)}.")
    s = require_numeric(pd.Series(np.asarray(scores, dtype=object)), None, "scores").to_numpy()
    y = require_boolean(pd.Series(np.asarray(converted, dtype=object)), None, "converted").to_numpy()
    if y.all() or not y.any():
        raise ValueError(
            "`converted` must hold both converted and unconverted leads to measure a score's quality."
        )
    return float(roc_auc_score(y, s))
