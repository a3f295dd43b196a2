"""The offline understanding layer: right, or ask; never guess a change.

A message is masked and ranked by the classifier; the best tool's arguments are built by its
slot builder and its targets linked to what exists. Then:

- a weak best, or two tools about as likely, is asked about, offering the likely actions;
- a change is chosen only for an explicit request whose every target is a real thing;
  otherwise it asks which one, with the closest names;
- negations ("don't…") decline, how-to questions get help, hypotheticals ("what would happen
  if I stopped…") get the blast radius, and questions ("why did web-1 stop?") are answered
  by a read-only tool: none of them ever files an approval request.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import Any

from pydantic import ValidationError

from agents.offline import wording
from agents.offline.classifier import OFF_TOPIC, Ranked, ToolClassifier
from agents.offline.decision import Call, Decision, Option
from agents.offline.followups import NEVER_MIND as NEVER_MIND_MESSAGE
from agents.offline.followups import (
    PRONOUN,
    Context,
    answer_to_question,
    same_again,
    with_referents,
)
from agents.offline.lexicon import Entity, Lexicon, words_of
from agents.offline.linking import CANDIDATES, Unresolved, link, strangers, unresolved
from agents.offline.masking import mask
from agents.offline.slots import ArgsBuilder, Target, load_slots, load_targets
from agents.offline.spelling import Speller
from agents.offline.training import classifier_for, example_lexicon, off_topic
from agents.offline.utterance import Utterance
from core import patterns
from tools.registry import Registry, ToolSpec

CLASSIFIED_CHARS = 2_000
"""How much of a message the classifier reads: what a request asks for is said at its start,
and a 40,000-character message then costs no more to classify than a short one."""
WEAK = 0.30
"""Below this share of confidence the best tool is not taken on its own."""
MARGIN = 0.12
"""Two tools closer than this (while the best is not confident) are asked about."""
CONFIDENT = 0.60
"""At or above this, the best tool is taken however close the second is."""
SCOPE_SURE = 0.90
"""A hosted model is given only the best tool's domain when the classifier is this sure."""
SCOPE_ALSO = 0.05
"""The runner-up's domain is given too when it has at least this share."""
CHANGE_FLOOR = 0.40
"""A tool that changes things needs at least this share, and a clear lead, to be chosen."""

NEGATION = patterns.compile(
    r"\b(don'?t|dont|do not|never|no need to|not to|shouldn'?t|mustn'?t|must not|avoid|"
    r"hold off|no circumstances|not (now|yet)|"
    r"(leave|keep) \S+ (alone|running|stopped|be|as is|untouched|on|off))\b"
)
NOT_NEEDED = patterns.compile(
    r"\b(?:(?:we|i) (?:don'?t|dont|do not) need (?:[\w./-]*\d[\w./-]*|[a-z][\w]*-[\w-]+)|"
    r"(?:don'?t|dont|do not|no longer) (?:need|use) (?:it|them|this|that|these|those))"
    r"(?: ?any ?more| now)?\s*(?:[.,;!]|$)"
)
""""we don't need it", "we don't need 10.9.0.0/20 any more, release it": a reason for the
change, not a refusal of it (said at a clause's end)."""
CLAUSES = patterns.compile(r"[,;.?!:]+\s*|\s+(?:but|just|only|instead|rather)\s+")
IMPERATIVE_DO = patterns.compile(r"^\W*(?:please )?do (?:an?|the) \w")
""""do a reboot of batch-worker": an order, though it starts like a question."""
ITS = patterns.compile(r"\b(?:its|it|them|their)\b")
WORDS = patterns.compile(r"[a-z]{3,}")
POLITE_REQUEST = patterns.compile(
    r"^\W*(can|could|would|will) you\b|^\W*(please|pls|kindly)\b|"
    r"^\W*(can|could|may) (i|we) (get|have|grab)\b"
)
HOW_TO = patterns.compile(
    r"^\W*(how (do|can|should|would|could) (i|we|you|one)|how to|is it possible to|"
    r"are you able to|do you support|can you even|what do i (type|say)|is there a way to|"
    r"(what'?s|what is) the (syntax|command|wording|right way) (to|for))\b"
)
HYPOTHETICAL = patterns.compile(
    r"\b(what (would|will|could|might) (happen|break)|what if|what breaks|would (it|that|anything)"
    r" break|if (i|we|someone|you) (were to |was to )?\w+|suppose|hypothetical(ly)?|impact of|"
    r"in theory|theoretically|in principle|imagine|pretend|for the sake of argument|"
    r"(we|i) (should|could|might|may)( probably| maybe)?|probably|maybe|perhaps|"
    r"thinking (about|of)|planning (to|on)|"
    r"consequences? of|is it safe to|should (i|we))\b"
)
ABOUT_ALERT = patterns.compile(
    r"\b(?:stop|kill|terminate|end|close|reboot|restart|delete|remove|scale|shut(?: up| off)?|"
    r"turn off)\s+(?:(?:the|this|that|these|those|my|our|all|every)\s+(?:[\w-]+\s+){0,2}"
    r"(?:alerts?|alarms?|incidents?|pages?|notifications?)\b|(?:the\s+)?(?:paging|alerting))"
)
"""“Stop the alert for web-1”, “kill the batch-worker alarm”: the change is to the alert (an
acknowledgement), not to the resource it names; no AWS change is chosen for it."""
STANDING_ORDER = patterns.compile(r"^\W*(when|whenever|each time|every time)\b[^?]{3,},[^?]+$")
"""“When someone opens port 22, tell #security”: an instruction for later, not a question."""
QUESTION = patterns.compile(
    r"^\W*(why|when|who|whom|where|which|what|whats|how|did|does|do|was|were|has|have|had|is|"
    r"are|isn'?t|wasn'?t)\b"
)


@dataclass
class Understanding:
    """Decides what one message asks for, over the registry's tools and what exists.

    Attributes:
        registry: the tools (with their examples, which the classifier learns from).
        lexicon: returns what exists now (names to link targets to).
    """

    registry: Registry
    lexicon: Callable[[], Lexicon] = field(default=Lexicon)

    @cached_property
    def classifier(self) -> ToolClassifier:
        """The classifier learned from the registry's examples (built on first use)."""
        return classifier_for(self.registry)

    @cached_property
    def builders(self) -> dict[str, ArgsBuilder]:
        """Tool name -> its slot builder (what ``agents/offline/rules`` declares)."""
        return load_slots()

    @cached_property
    def vocabulary(self) -> frozenset[str]:
        """Hyphenated words the examples use ("power-cycle", "right-size"): words, not names."""
        words = {
            w for spec in self.registry.all() for text in spec.examples for w in words_of(text)
        }
        return frozenset(w for w in words if "-" in w) - set(example_lexicon().by_name)

    @cached_property
    def speller(self) -> Speller:
        """Typo correction against every word the examples (and chat) use."""
        said = (text for spec in self.registry.all() for text in (spec.example, *spec.examples))
        return Speller.of([*said, *off_topic()])

    @cached_property
    def targets(self) -> dict[str, Target]:
        """Tool name -> the argument that names existing things."""
        return load_targets()

    def rank(self, text: str, lexicon: Lexicon) -> list[Ranked]:
        """The likeliest tools (and "none") for ``text``, best first.

        Args:
            text: the message.
            lexicon: what exists, for masking names.
        """
        return self.classifier.rank(mask(text[:CLASSIFIED_CHARS], lexicon), top=4)

    def domains_for(self, text: str) -> list[str] | None:
        """The one or two registry domains ``text`` is about, for a hosted model to be given
        only their tools; ``None`` (every tool) unless the classifier is very sure, since a
        hosted model cannot call a tool it was not given.

        Args:
            text: the latest message.
        """
        ranked = [r for r in self.rank(text, self.lexicon()) if r.label != OFF_TOPIC]
        if not ranked or ranked[0].score < SCOPE_SURE:
            return None
        close = [r for r in ranked[:2] if r is ranked[0] or r.score >= SCOPE_ALSO]
        return list(dict.fromkeys(r.label.split(".", 1)[0] for r in close))

    def decide(
        self, text: str, lexicon: Lexicon | None = None, domain: str | None = None
    ) -> Decision:
        """What to do about one message (on its own, or in a thread about ``domain``).

        Args:
            text: the message.
            lexicon: what exists (default: ask ``self.lexicon``).
            domain: the domain the thread's last call was in: a read of that domain close to
                the best is taken ("cheaper please" after a proposal refines it).
        """
        known = lexicon if lexicon is not None else self.lexicon()
        said = self.speller.correct(text, known)
        ranked = self.rank(said, known)
        if domain is not None:
            share = 0.0 if PRONOUN.search(said.lower()) else 0.5  # "draw it": it is the thread's
            ranked = self._in_thread(ranked, domain, share)
        decided = self.decide_ranked(Utterance(said), ranked, known)
        return self.as_typed(decided, text, said, known)

    def as_typed(self, decision: Decision, typed: str, said: str, lexicon: Lexicon) -> Decision:
        """``decision`` about the corrected message ``said``. A correction never brings a change
        on its own: a change the message as typed would not have led to is offered back as a
        question ("did you mean …?"), never filed.

        Args:
            decision: what the model decided about ``said``.
            typed: the message as typed.
            said: the message with its typos corrected.
            lexicon: what exists.
        """
        changes = [c for c in decision.calls if self.registry.get(c.tool).mutating]
        if said == typed or not changes:
            return decision
        as_typed = self.decide_ranked(Utterance(typed), self.rank(typed, lexicon), lexicon)
        if as_typed.calls == decision.calls:
            return decision
        question = wording.did_you_mean(said)
        return Decision.ask(question, [Option(said, changes[0]), Option("Never mind")])

    def _in_thread(self, ranked: list[Ranked], domain: str, share: float) -> list[Ranked]:
        best = ranked[0]
        if best.label in self.registry and self.registry.get(best.label).domain == domain:
            if self.registry.get(best.label).mutating:
                return ranked
            return [Ranked(best.label, max(CONFIDENT, best.score)), *ranked[1:]]
        for candidate in ranked[1:]:
            spec = self.registry.get(candidate.label) if candidate.label in self.registry else None
            if spec is None or spec.domain != domain or spec.mutating:
                continue
            if candidate.score > best.score * share:
                lifted = Ranked(candidate.label, max(CONFIDENT, best.score))
                return [lifted, *(r for r in ranked if r.label != candidate.label)]
        return ranked

    def decide_ranked(self, u: Utterance, ranked: list[Ranked], lexicon: Lexicon) -> Decision:
        """``decide`` once the message is ranked (the evaluation ranks many at once).

        Args:
            u: the message.
            ranked: the classifier's ranking for it.
            lexicon: what exists.
        """
        tools = [r for r in ranked if r.label != OFF_TOPIC and r.label in self.registry]
        if not tools or _off_topic(ranked):
            return Decision.say(wording.NOT_UNDERSTOOD)
        best = self.registry.get(tools[0].label)
        if best.mutating:
            if _chat_is_close(ranked, tools[0]):
                return self._ask_between(u, tools[:3], lexicon)
            gated = self._gate(u, best, tools, lexicon)
            if gated is not None:
                return gated
        elif _asks_a_question(u.lower):  # "is web-1 stopped?" is not torn between stop and read
            tools = [r for r in tools if not self.registry.get(r.label).mutating]
        if _close_call(tools):
            return self._ask_between(u, tools[:3], lexicon)
        return self.build(u, best, lexicon)

    def _gate(
        self, u: Utterance, spec: ToolSpec, tools: list[Ranked], lexicon: Lexicon
    ) -> Decision | None:
        """Keep a change from being chosen on a misunderstanding; ``None`` lets it through."""
        text = u.lower
        if not WORDS.search(text):
            return Decision.say(wording.NOT_UNDERSTOOD)  # a change is asked for in words
        if NEGATION.search(NOT_NEEDED.sub(" ", text)):
            return self._read_besides(u, lexicon) or Decision.say(wording.declined(spec))
        if HOW_TO.search(text):
            return Decision.call("help", {"topic": spec.domain})
        if ABOUT_ALERT.search(text):
            return self._read_instead(u, tools, lexicon)
        if HYPOTHETICAL.search(text):
            return self._what_if(u, spec, lexicon)
        if _asks_a_question(text):
            return self._read_instead(u, tools, lexicon)
        weak = tools[0].score < CHANGE_FLOOR
        if weak or (len(tools) > 1 and tools[0].score - tools[1].score < MARGIN):
            return self._ask_between(u, tools[:3], lexicon)
        return None

    def _what_if(self, u: Utterance, spec: ToolSpec, lexicon: Lexicon) -> Decision:
        """A hypothetical change: what depends on its target, never the change itself."""
        blast = self.registry.get("graph.blast_radius")
        built = self.build(u, spec, lexicon)
        target = self.targets.get(spec.name)
        if built.calls and target is not None:
            value = built.calls[0].args.get(target.arg)
            first = value[0] if isinstance(value, list) and value else value
            if first:
                return Decision.call(blast.name, {"resource": str(first)})
        return self.build(u, blast, lexicon)

    def _read_besides(self, u: Utterance, lexicon: Lexicon) -> Decision | None:
        """What a refusal asks for besides ("don't stop web-1, just show its details"): the
        read its other clauses ask for, when the classifier is sure of one; else ``None``."""
        clauses = CLAUSES.sub("\n", u.lower).split("\n")
        rest = " ".join(c for c in clauses if c.strip() and not NEGATION.search(c))
        if not WORDS.search(rest):
            return None
        named = lexicon.mentions(u.text)
        if named and not lexicon.mentions(rest):  # "…, just show me its details": of web-1
            rest = f"{ITS.sub(' ', rest)} {named[0].entity.name}"
        best = self.rank(rest, lexicon)[0]
        if best.label not in self.registry or best.score < CONFIDENT:
            return None
        spec = self.registry.get(best.label)
        return None if spec.mutating else self.build(u, spec, lexicon)

    def _read_instead(self, u: Utterance, tools: list[Ranked], lexicon: Lexicon) -> Decision:
        """A question close to a change is answered by the best read-only tool, or asked."""
        reads = [r for r in tools if not self.registry.get(r.label).mutating]
        if reads and reads[0].score >= WEAK / 2:
            return self.build(u, self.registry.get(reads[0].label), lexicon)
        return self._ask_between(u, reads[:3], lexicon)

    def build(self, u: Utterance, spec: ToolSpec, lexicon: Lexicon) -> Decision:
        """The call to ``spec`` with arguments from the message, or the question it needs.

        Args:
            u: the message.
            spec: the chosen tool.
            lexicon: what exists.
        """
        builder = self.builders.get(spec.name)
        args: dict[str, Any] = builder(u) if builder else {}
        target = self.targets.get(spec.name)
        if target is not None and spec.mutating:
            known = lexicon.of_kind(target.kinds)
            stranger = strangers(u.text, lexicon, target, self.vocabulary) if known else []
            if stranger:
                unknown = Unresolved(stranger[0], target.kinds, known[:CANDIDATES])
                return self._ask_target(spec, args, target, unknown)
        if target is not None:
            mentions = lexicon.mentions(u.text)
            args = link(args, target, u.text, mentions, lexicon, by_kind=not spec.mutating)
            missing = unresolved(args, target, lexicon)
            if missing and _must_ask(spec, missing[0]):
                return self._ask_target(spec, args, target, missing[0])
        try:
            spec.args_model.model_validate(args)
        except ValidationError as error:
            return Decision.say(_missing(spec, error))
        return Decision.call(spec.name, args)

    def _ask_target(
        self, spec: ToolSpec, args: dict[str, Any], target: Target, missing: Unresolved
    ) -> Decision:
        options = [
            Option(entity.name, Call(spec.name, _with(args, target, missing, entity)))
            for entity in missing.suggestions
        ]
        question = wording.which_one(spec, missing.word, target.kinds, missing.close)
        return Decision.ask(question, [*options, Option("Never mind")])

    def _ask_between(self, u: Utterance, tools: list[Ranked], lexicon: Lexicon) -> Decision:
        options: list[Option] = []
        for ranked in tools:
            spec = self.registry.get(ranked.label)
            built = self.build(u, spec, lexicon)
            target = self.targets.get(spec.name)
            arg = target.arg if target is not None else None
            calls = list(built.calls[:1])
            if not calls and ranked is tools[0]:  # the likeliest tool with a mistyped target
                calls = [o.call for o in built.options if o.call is not None]
            for call in calls:
                options.append(Option(wording.option_label(spec, call.args, arg), call))
        if not options:
            return Decision.say(wording.NOT_UNDERSTOOD)
        return Decision.ask(
            wording.unsure([o.label for o in options]), [*options, Option("Never mind")]
        )


def _asks_a_question(text: str) -> bool:
    """A question ("is web-1 stopped?", "why did it stop"), not a polite or "do a …" order."""
    asked = text.rstrip().endswith("?") and not POLITE_REQUEST.search(text)
    order = IMPERATIVE_DO.search(text) or STANDING_ORDER.search(text)
    return asked or bool(QUESTION.search(text) and not order)


def _off_topic(ranked: list[Ranked]) -> bool:
    return ranked[0].label == OFF_TOPIC and (
        ranked[0].score >= WEAK or len(ranked) < 2 or ranked[1].score < WEAK
    )


def _chat_is_close(ranked: list[Ranked], best: Ranked) -> bool:
    """A change barely ahead of "no tool at all" ("allocate some space") is asked about."""
    chat = next((r for r in ranked if r.label == OFF_TOPIC), None)
    return chat is not None and best.score - chat.score < MARGIN


def _close_call(tools: list[Ranked]) -> bool:
    best = tools[0].score
    if best >= CONFIDENT:
        return False
    return best < WEAK or (len(tools) > 1 and best - tools[1].score < MARGIN)


def _must_ask(spec: ToolSpec, missing: Unresolved) -> bool:
    """Changes ask about any unknown target; reads ask when nothing was named or a name is
    a near miss, and otherwise let the tool say what it could not find."""
    return spec.mutating or missing.close or not missing.word


def _with(
    args: dict[str, Any], target: Target, missing: Unresolved, entity: Entity
) -> dict[str, Any]:
    value = args.get(target.arg)
    if target.many:
        current = [v for v in (value or []) if v != missing.word]
        return {**args, target.arg: [*current, entity.name]}
    return {**args, target.arg: entity.name}


def _missing(spec: ToolSpec, error: ValidationError) -> str:
    first = error.errors()[0]
    field_name = str(first["loc"][0]) if first.get("loc") else "more detail"
    described = spec.args_model.model_fields.get(field_name)
    description = described.description if described and described.description else first["msg"]
    return wording.missing_argument(spec, field_name, description)


def decide_in_thread(
    understanding: Understanding, text: str, context: Context, lexicon: Lexicon | None = None
) -> Decision:
    """What to do about a message, given what the thread said before it.

    Args:
        understanding: the understanding layer.
        text: the message.
        context: the thread's last call and open question.
        lexicon: what exists (default: ask ``understanding.lexicon``).
    """
    lexicon = lexicon if lexicon is not None else understanding.lexicon()
    if NEVER_MIND_MESSAGE.match(" ".join(text.lower().split())):
        return Decision.say(wording.NEVER_MIND)
    if context.options:
        picked = answer_to_question(text, context.options)
        if picked is not None:
            return picked
    if context.calls:
        last = context.calls[-1]
        target = understanding.targets.get(last.tool)
        if not _confidently_new(understanding, text, lexicon, last.tool):
            again = same_again(Utterance(text), last, target, lexicon)
            if again is not None:
                return again
        rewritten = with_referents(text, last, target)
        domain = last.tool.split(".", 1)[0]
        decision = understanding.decide(rewritten or text, lexicon, domain)
        return _as_said(decision, rewritten, text) if rewritten else decision
    return understanding.decide(text, lexicon)


def _as_said(decision: Decision, rewritten: str, said: str) -> Decision:
    """Free-text arguments keep the person's words: "make it cheaper" stays as said, while
    the target argument carries the name "it" stood for."""
    calls = tuple(
        Call(call.tool, {k: said if v == rewritten else v for k, v in call.args.items()})
        for call in decision.calls
    )
    return replace(decision, calls=calls)


def _confidently_new(understanding: Understanding, text: str, lexicon: Lexicon, last: str) -> bool:
    best = understanding.rank(text, lexicon)[0]
    return best.label not in (last, OFF_TOPIC) and best.score >= CONFIDENT
