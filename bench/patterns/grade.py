"""Grouping accuracy of `logsmith patterns mine` on the LogHub systems under testdata/loghub.

Feeds the Content column of each system's *_structured.csv, in file order, to the miner and grades
its grouping against the EventId column: GA (a line is right when the set of lines in its predicted
group equals the set in its true group) and FGA (F1 over groups: a predicted group is right when it
equals a true group; precision over predicted groups, recall over true groups), as the LogHub-2.0
evaluation defines them. Prints a Markdown table and the means.

Usage: python3 bench/patterns/grade.py [--replicas N] LOGSMITH_BINARY [LOGHUB_DIRECTORY]

With --replicas N, the lines are mined as N replicas would mine them (line n by replica n mod N, then
the replicas' templates reconciled), as `logsmith patterns mine --replicas N` does.
"""

import argparse
import csv
import glob
import os
import subprocess
from collections import defaultdict


def groups(labels):
    """Line positions by label, as frozensets."""
    members = defaultdict(set)
    for position, label in enumerate(labels):
        members[label].add(position)
    return {label: frozenset(lines) for label, lines in members.items()}


def grade(truth, predicted):
    true_groups = groups(truth)
    predicted_groups = groups(predicted)
    true_sets = set(true_groups.values())
    right = [lines for lines in predicted_groups.values() if lines in true_sets]
    ga = sum(len(lines) for lines in right) / len(truth)
    precision = len(right) / len(predicted_groups)
    recall = len(right) / len(true_groups)
    fga = 0.0 if not right else 2 * precision * recall / (precision + recall)
    return ga, fga, len(predicted_groups), len(true_groups)


def main():
    parser = argparse.ArgumentParser(description="Grouping accuracy of logsmith patterns mine on LogHub.")
    parser.add_argument("--replicas", type=int, default=1)
    parser.add_argument("binary")
    parser.add_argument("root", nargs="?",
                        default=os.path.join(os.path.dirname(__file__), "..", "..", "testdata", "loghub"))
    arguments = parser.parse_args()
    binary, root = arguments.binary, arguments.root
    rows = []
    for path in sorted(glob.glob(os.path.join(root, "*", "*_structured.csv"))):
        with open(path, newline="", encoding="utf-8") as file:
            records = list(csv.DictReader(file))
        contents = [record["Content"].replace("\n", " ") for record in records]
        mined = subprocess.run([binary, "patterns", "mine", "--replicas", str(arguments.replicas)], input="\n".join(contents) + "\n",
                               capture_output=True, text=True, check=True).stdout.split("\n")[:len(contents)]
        ga, fga, found, expected = grade([record["EventId"] for record in records], mined)
        rows.append((os.path.basename(os.path.dirname(path)), ga, fga, found, expected))
    print("| system | GA | FGA | patterns found | true groups |")
    print("|---|---:|---:|---:|---:|")
    for name, ga, fga, found, expected in rows:
        print(f"| {name} | {ga:.3f} | {fga:.3f} | {found} | {expected} |")
    mean_ga = sum(row[1] for row in rows) / len(rows)
    mean_fga = sum(row[2] for row in rows) / len(rows)
    print(f"| **mean** | **{mean_ga:.3f}** | **{mean_fga:.3f}** | | |")


if __name__ == "__main__":
    main()
