"""Commands whose arguments name versions, where ``-1`` is the latest, not an option."""

from __future__ import annotations

import re

import click

_NEGATIVE = re.compile(r"-\d+")


class VersionArgsCommand(click.Command):
    """A command that takes ``-N`` (N versions back from the latest) as an argument.

    click reads any word starting with "-" as an option, so ``diff URL -2 -1`` would fail
    with "No such option". Before parsing, the arguments are moved behind a ``--`` that
    ends the options, each option keeping its value, so the order of arguments is kept.
    """

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if "--" not in args and any(_NEGATIVE.fullmatch(a) for a in args):
            args = self._arguments_last(ctx, args)
        return super().parse_args(ctx, args)

    def _arguments_last(self, ctx: click.Context, args: list[str]) -> list[str]:
        taking_values = {
            name
            for param in self.params
            if isinstance(param, click.Option) and not param.is_flag and not param.count
            for name in param.opts
        }
        options: list[str] = []
        arguments: list[str] = []
        words = iter(args)
        for word in words:
            if word == "-" or not word.startswith("-") or _NEGATIVE.fullmatch(word):
                arguments.append(word)
                continue
            options.append(word)
            if word in taking_values:
                value = next(words, None)
                if value is None:
                    raise click.BadOptionUsage(word, f"Option '{word}' requires an argument.", ctx)
                options.append(value)
        return [*options, "--", *arguments]
