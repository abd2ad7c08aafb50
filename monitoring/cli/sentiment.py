"""``python -m monitoring sentiment predict|train|evaluate``: sentiment from the command line.

    python -m monitoring sentiment predict --in posts.csv --text-column text --out scored.csv [--model M]
        (adds sentiment, sentiment_score and explanation: the words that pushed the label, in Indonesian)
    python -m monitoring sentiment train --in labels.csv --text-column text --label-column label --out M.joblib
    python -m monitoring sentiment evaluate --in labels.csv --text-column text --label-column label [--model M]

Bad input raises :class:`~monitoring.errors.UserError` (one Indonesian line, exit 1, no traceback).
"""
from __future__ import annotations

import argparse
import csv
import os
import sys
from pathlib import Path
from typing import Any, Sequence

import pandas as pd

from monitoring import schema as S
from monitoring.errors import (
    EmptyFileError,
    MappingError,
    UnreadableFileError,
    UserError,
)
from monitoring.sentiment.explain import explain_posts
from monitoring.sentiment.model import (
    add_sentiment,
    check_training_data,
    evaluate_model,
    load_model,
    normalize_labels,
    save_model,
    train_model,
)
from monitoring.sentiment.training import fit_blend

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
EXPLANATION = "explanation"


def read_csv_table(path: str | Path) -> pd.DataFrame:
    """Read a CSV/TSV with a sniffed delimiter (utf-8 with or without BOM, else latin-1).

    Raises:
        UnreadableFileError: missing or unparsable file. EmptyFileError: no data rows.
    """
    path = Path(path)
    if not path.is_file():
        raise UnreadableFileError(f"Berkas {path} tidak ditemukan.")
    for encoding in ("utf-8-sig", "latin-1"):
        try:
            with path.open(encoding=encoding, newline="") as handle:
                sample = handle.read(65536)
            try:
                sep = csv.Sniffer().sniff(sample, delimiters=",;\t|").delimiter
            except csv.Error:
                sep = ","
            table = pd.read_csv(path, sep=sep, encoding=encoding, dtype=str, keep_default_na=False)
            break
        except UnicodeDecodeError:
            continue
        except (pd.errors.ParserError, ValueError) as err:
            reason = str(err).split("\n")[0]
            raise UnreadableFileError(f"Berkas {path.name} tidak dapat dibaca sebagai CSV: {reason}") from err
    if table.empty:
        raise EmptyFileError(f"Berkas {path.name} tidak berisi baris data.")
    return table


def _column(table: pd.DataFrame, name: str, path: str, role: str) -> pd.Series:
    if name not in table.columns:
        available = ", ".join(map(str, table.columns[:10]))
        raise MappingError(f"Kolom {role} '{name}' tidak ada di {Path(path).name}. Kolom yang tersedia: {available}.")
    return table[name]


def _neutralise(value: Any) -> Any:
    """Keep spreadsheet apps from running a cell as a formula (OWASP CSV injection)."""
    return "'" + value if isinstance(value, str) and value.startswith(_FORMULA_START) else value


def cmd_predict(args: argparse.Namespace) -> int:
    table = read_csv_table(args.input)
    texts = _column(table, args.text_column, args.input, "teks")
    model = load_model(args.model) if args.model else None
    scored = add_sentiment(pd.DataFrame({S.TEXT: texts}), model)
    out = table.copy()
    out[S.SENTIMENT] = scored[S.SENTIMENT].to_numpy()
    out[S.SENTIMENT_SCORE] = scored[S.SENTIMENT_SCORE].to_numpy()
    if not args.no_explanation:
        out[EXPLANATION] = explain_posts(texts.tolist(), scored[S.SENTIMENT].tolist())
    for name in out.columns:
        if out[name].dtype == object or pd.api.types.is_string_dtype(out[name]):
            out[name] = out[name].map(_neutralise)
    target = Path(args.out)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.tmp")
    out.to_csv(tmp, index=False, encoding="utf-8")
    os.replace(tmp, target)
    counts = out[S.SENTIMENT].value_counts()
    summary = ", ".join(f"{S.SENTIMENT_LABELS[k]} {int(counts.get(k, 0))}" for k in S.SENTIMENTS)
    print(f"{len(out)} unggahan dinilai ({summary}) -> {target}")
    return 0


def _labelled(args: argparse.Namespace) -> tuple[list[str], list[str]]:
    table = read_csv_table(args.input)
    texts = _column(table, args.text_column, args.input, "teks").tolist()
    labels = _column(table, args.label_column, args.input, "label").tolist()
    return texts, labels


def cmd_train(args: argparse.Namespace) -> int:
    texts, labels = _labelled(args)
    if args.folds >= 2:           # the blend with the default model that cross-validates best
        y = normalize_labels(labels)
        check_training_data(texts, y)
        model, report = fit_blend(texts, y, folds=args.folds)
        metrics = report["metrics"]
    else:
        model, metrics = train_model(texts, labels), {}
    save_model(model, args.out, metrics=metrics, n_examples=len(texts))
    if metrics:
        print(f"Validasi silang {metrics['folds']} lipatan: akurasi {metrics['accuracy']:.3f}, "
              f"macro-F1 {metrics['macro_f1']:.3f} (model bawaan {report['baseline']['macro_f1']:.3f}; "
              f"bobot model terlatih dalam campuran {metrics['weight']:.2f})")
    print(f"Model dilatih dari {len(texts)} contoh -> {args.out}")
    return 0


def format_report(report: dict[str, Any]) -> str:
    """Plain-text accuracy, macro-F1, per-class table and confusion matrix."""
    lines = [f"Jumlah contoh: {report['n_examples']}", f"Akurasi: {report['accuracy']:.3f}",
             f"Macro-F1: {report['macro_f1']:.3f}", "",
             f"{'kelas':<10}{'presisi':>9}{'recall':>9}{'F1':>9}{'jumlah':>9}"]
    for label, row in report["per_class"].items():
        lines.append(f"{S.SENTIMENT_LABELS[label]:<10}{row['precision']:>9.3f}{row['recall']:>9.3f}"
                     f"{row['f1']:>9.3f}{row['support']:>9d}")
    names = [S.SENTIMENT_LABELS[label] for label in report["labels"]]
    lines += ["", "Matriks kebingungan (baris = label benar, kolom = prediksi):",
              " " * 10 + "".join(f"{n:>9}" for n in names)]
    for name, row in zip(names, report["confusion_matrix"]):
        lines.append(f"{name:<10}" + "".join(f"{v:>9d}" for v in row))
    return "\n".join(lines)


def cmd_evaluate(args: argparse.Namespace) -> int:
    texts, labels = _labelled(args)
    model = load_model(args.model) if args.model else None
    print(format_report(evaluate_model(model, texts, labels)))
    return 0


def _add_io(parser: argparse.ArgumentParser, *, labelled: bool) -> None:
    parser.add_argument("--in", dest="input", required=True, metavar="CSV", help="input CSV/TSV file")
    parser.add_argument("--text-column", default="text", metavar="COL",
                        help="column with the post text (default: text)")
    if labelled:
        parser.add_argument("--label-column", default="label", metavar="COL",
                            help="column with positive/neutral/negative (or positif/netral/negatif, 1/0/-1)")


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``sentiment`` command (predict, train, evaluate) to a CLI's sub-parsers."""
    sentiment = subparsers.add_parser("sentiment", help="predict, train or evaluate post sentiment")
    sub = sentiment.add_subparsers(dest="sentiment_command", required=True)

    predict = sub.add_parser("predict", help="add sentiment and sentiment_score columns to a CSV")
    _add_io(predict, labelled=False)
    predict.add_argument("--out", required=True, metavar="CSV", help="output CSV")
    predict.add_argument("--model", default=None, metavar="PATH", help="trained model (default: built-in lexicon)")
    predict.add_argument("--no-explanation", action="store_true",
                         help="leave out the explanation column (why each post got its label, in Indonesian)")
    predict.set_defaults(func=cmd_predict)

    train = sub.add_parser("train", help="train a TF-IDF model from labelled posts")
    _add_io(train, labelled=True)
    train.add_argument("--out", required=True, metavar="MODEL", help="model file to write (.joblib)")
    train.add_argument("--folds", type=int, default=5, help="cross-validation folds before training (0 = skip)")
    train.set_defaults(func=cmd_train)

    evaluate = sub.add_parser("evaluate", help="accuracy and macro-F1 on labelled posts")
    _add_io(evaluate, labelled=True)
    evaluate.add_argument("--model", default=None, metavar="PATH", help="trained model (default: built-in lexicon)")
    evaluate.set_defaults(func=cmd_evaluate)


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``sentiment ...`` on its own (tests, scripts); prints UserError messages on one line."""
    parser = argparse.ArgumentParser(prog="python -m monitoring")
    register(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except UserError as err:
        print(str(err).replace("\n", " "), file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
