"""A worker process running one island: ``python -m scheduler.model.heuristic.worker``.

It reads pickles on stdin (first the job, then one message per meeting) and answers with
pickles on stdout; see :func:`~.islands.serve_island`. Started by :func:`~.islands.start_worker`.
"""

from __future__ import annotations

import os
import pickle
import sys

from .islands import serve_island


def main() -> None:
    """Serve one island over stdin and stdout until told to stop or the caller is gone."""
    incoming = sys.stdin.buffer
    # Answers go on the original stdout; anything else printed goes to stderr, so that a stray
    # print can never corrupt an answer.
    outgoing = os.fdopen(os.dup(sys.stdout.fileno()), "wb")
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())

    def send(message) -> None:
        pickle.dump(message, outgoing, protocol=pickle.HIGHEST_PROTOCOL)
        outgoing.flush()

    try:
        job = pickle.load(incoming)
    except EOFError:
        return
    setup, seed, work, stall, deadline, settings = job

    def receive():
        try:
            return pickle.load(incoming)
        except pickle.UnpicklingError as error:  # the caller ended in the middle of a message
            raise EOFError(str(error)) from error

    serve_island(receive, send, setup, seed, work, stall, deadline, settings)


if __name__ == "__main__":
    main()
