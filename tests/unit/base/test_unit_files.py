"""base.files on its own: names that are safe everywhere and never overwrite each other."""

from planmaker.base.files import FileNames, safe_filename


def test_a_name_is_safe_on_every_system():
    assert safe_filename('融安县人民医院/急诊:科?') == "融安县人民医院_急诊_科_"
    assert safe_filename("CON") == "_CON"
    assert safe_filename(" . ") == "未命名"
    assert len(safe_filename("院" * 200).encode("utf-8")) <= 180


def test_names_that_one_file_system_would_confuse_are_numbered():
    names = FileNames(".xlsx")
    assert [names.next(n) for n in ("A诊所", "a诊所", "A诊所", "A诊所")] == [
        "A诊所.xlsx", "a诊所（2）.xlsx", "A诊所（3）.xlsx", "A诊所（4）.xlsx"]
