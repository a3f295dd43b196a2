"""Which tool a message asks for: a linear model over word and character n-grams, learned at
start-up from the example utterances every tool carries in the registry.

Messages are masked first (``masking.mask``), so it learns the shape of a request, and an
"off-topic" class learned from chat that asks for no tool lets it say "none of these".
Training takes a fraction of a second; scikit-learn is imported only when the first model is
built, so commands that never route a message stay fast.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

OFF_TOPIC = "none"
"""The label of messages that ask for no tool."""


@dataclass(frozen=True)
class Ranked:
    """One candidate label with its share of the model's confidence.

    Attributes:
        label: a tool name, or ``OFF_TOPIC``.
        score: softmax over the model's decision values, 0-1 (they sum to 1 over labels).
    """

    label: str
    score: float


class ToolClassifier:
    """A linear classifier from masked messages to tool names."""

    def __init__(self, texts: Sequence[str], labels: Sequence[str]) -> None:
        """Learn from ``texts`` (already masked) and their ``labels``.

        Args:
            texts: masked example messages.
            labels: the tool (or ``OFF_TOPIC``) each one asks for.
        """
        self._pipeline = _pipeline()
        self._pipeline.fit(list(texts), list(labels))
        self.labels: list[str] = [str(label) for label in self._pipeline.classes_]

    def rank(self, masked: str, top: int = 3) -> list[Ranked]:
        """The ``top`` likeliest labels for one masked message, best first.

        Args:
            masked: the message after ``masking.mask``.
            top: how many to return.
        """
        return self.rank_many([masked], top)[0]

    def rank_many(self, masked: Sequence[str], top: int = 3) -> list[list[Ranked]]:
        """``rank`` for many messages at once (the evaluation's fast path).

        Args:
            masked: messages after ``masking.mask``.
            top: how many labels per message.
        """
        decisions = self._pipeline.decision_function(list(masked))
        return [self._ranked(row, top) for row in decisions]

    def _ranked(self, row: Any, top: int) -> list[Ranked]:
        values = [float(v) for v in row]
        peak = max(values)
        weights = [math.exp((v - peak) * SHARPNESS) for v in values]
        total = sum(weights)
        order = sorted(range(len(values)), key=values.__getitem__, reverse=True)[:top]
        return [Ranked(self.labels[i], weights[i] / total) for i in order]


SHARPNESS = 6.0
"""Scale of the decision values before the softmax: how peaked the scores are."""


def _pipeline() -> Any:
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.pipeline import FeatureUnion, make_pipeline
    from sklearn.svm import LinearSVC

    features = FeatureUnion(
        [
            ("words", TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, min_df=1)),
            (
                "chars",
                TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True),
            ),
        ]
    )
    return make_pipeline(features, LinearSVC(C=0.8, class_weight="balanced", random_state=0))
