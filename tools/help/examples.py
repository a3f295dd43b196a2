"""How people ask what CloudFabric can do: what the offline classifier learns ``help`` from.

Greetings, "how do I use this", and "what can you do about <topic>" (the tool narrows its list to
that topic), as opposed to a question about the estate itself.
"""

from __future__ import annotations

HELP: tuple[str, ...] = (
    "help",
    "how do I use this bot?",
    "@cloudfabric help",
    "what can you help with?",
    "what commands do you support",
    "show me what you can do",
    "what are your capabilities",
    "I'm new here, where do I start?",
    "could you please explain what CloudFabric does",
    "what can you do with ipam?",
    "help with cost questions",
    "examples please",
    "what kind of questions can I ask you",
    "list your tools",
    "how does this work?",
    "what can cloudfabric do",
    "hi, what are you for?",
    "usage?",
    "what can you do for architecture",
    "which of your actions need approval",
    "what can I ask about ec2",
    "getting started guide",
    "hello cloudfabric, what do you do",
    "what can you do for me",
    "how do I ask you things",
    "list the commands you understand",
    "commands?",
    "show me the command list",
    "how do I look at our spend with you",
    "how do I ask you to restart a server",
    "what can you do with security groups",
    "what topics can you tell me about",
    "which commands work here",
    "how do I get going with cloudfabric",
)
