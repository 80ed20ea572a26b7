from socialroi.sources.base import InputFile
from socialroi.sources.kit.tabular import decode, read_rows


def test_utf16_with_sep_line_and_tabs():
    text = "sep=\t\nDate\tViews\n2025-01-08\t1.234\n"
    f = InputFile("x.csv", b"\xff\xfe" + text.encode("utf-16-le"))
    rows = read_rows(f)
    assert rows.delimiter == "\t" and rows.first_row == 2
    assert rows.rows == [["Date", "Views"], ["2025-01-08", "1.234"]]
    assert rows.row_number(1) == 3  # the spreadsheet row a user sees


def test_utf8_bom_semicolon():
    f = InputFile("x.csv", "\ufeffFecha;Visualizaciones\n08/01/2025;1.234,5\n".encode())
    rows = read_rows(f)
    assert rows.delimiter == ";" and rows.rows[0] == ["Fecha", "Visualizaciones"]


def test_utf16_without_bom_and_legacy_encodings():
    assert decode("Fecha,Vistas\n".encode("utf-16-le"))[0] == "Fecha,Vistas\n"
    assert decode("Año,Señal\n".encode("cp1252"))[0].startswith("A")


def test_quoted_newlines_in_captions():
    f = InputFile("x.csv", b'id,caption\n1,"line one\nline two"\n2,plain\n')
    assert read_rows(f).rows[1] == ["1", "line one\nline two"]


def test_tab_report_with_comma_banner_and_pipes_in_names():
    banner = "Campaign Performance Report (in UTC)\nReport Start: 10/13/2025, 12:00 AM\n"
    header = "Start Date\tCampaign Name\tTotal Spent\tImpressions\n"
    rows = "".join(f"10/{d:02d}/2025\tGB | Holiday | Nimbus\t22.68\t9,621\n" for d in range(1, 20))
    f = InputFile("x.csv", (banner + header + rows).encode("utf-16"))
    got = read_rows(f)
    assert got.delimiter == "\t" and got.rows[2] == header.strip().split("\t")
