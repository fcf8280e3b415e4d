import csv

from django.core.management.base import BaseCommand, CommandError

from ocop.geo.models import Level
from ocop.geo.services import successor_codes_map, units_valid_on
from ocop.lib.dates import DateParseError, parse_date


class Command(BaseCommand):
    help = (
        "In ra CSV (stdout) các đơn vị hành chính có hiệu lực vào một ngày: "
        "code,name,type,parent_code[,successor_codes]."
    )

    def add_arguments(self, parser):
        parser.add_argument("--date", required=True, help="Ngày, dạng YYYY-MM-DD hoặc dd/mm/yyyy.")
        parser.add_argument("--level", required=True, choices=Level.values, help="province, district hoặc commune.")
        parser.add_argument(
            "--successors", action="store_true", help="Thêm cột successor_codes (mã đơn vị kế thừa, ngăn cách bằng ;)."
        )

    def handle(self, *args, date, level, successors=False, **options):
        try:
            day = parse_date(date)
        except DateParseError as exc:
            raise CommandError(str(exc)) from exc
        units = units_valid_on(day, level).select_related("parent")
        header = ["code", "name", "type", "parent_code"]
        succ = {}
        if successors:
            header.append("successor_codes")
            succ = successor_codes_map(level)
        writer = csv.writer(self.stdout, lineterminator="\n")
        writer.writerow(header)
        try:
            for unit in units.iterator(chunk_size=2000):
                row = [unit.code, unit.name, unit.type, unit.parent.code if unit.parent_id else ""]
                if successors:
                    row.append(";".join(succ.get(unit.id, [])))
                writer.writerow(row)
        except BrokenPipeError:  # e.g. piped into `head`
            pass
