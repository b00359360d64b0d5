"""JSON log lines (LOG_FORMAT=json) for a log collector: one object per line, personal data already masked by the
MaskingLogFilter on the handler."""

from __future__ import annotations

import datetime as dt
import json
import logging

from bureau.kernel.context import current_ip
from bureau.kernel.masking import mask_text


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": dt.datetime.fromtimestamp(record.created, dt.UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "process": record.process,
        }
        address = current_ip.get()
        if address:
            entry["client"] = address
        status = getattr(record, "status_code", None)
        if status is not None:
            entry["status"] = status
        if record.exc_info:
            entry["exception"] = mask_text(self.formatException(record.exc_info))
        return json.dumps(entry, ensure_ascii=False)
