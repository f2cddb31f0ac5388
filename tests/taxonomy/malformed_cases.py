"""Malformed taxonomies: files to write, the path to load, and every problem expected."""

from __future__ import annotations

from tests.taxonomy.taxonomy_files import EVENTS_CSV, PROPERTIES_CSV, TE_HEADER

PROPS_HEADER = "name,type,description,constraint,scope\n"
EVENTS_HEADER = "event_name,event_tag,description,properties\n"


def seed(events: str = EVENTS_CSV, properties: str = PROPERTIES_CSV) -> dict[str, str]:
    return {"events.csv": events, "properties.csv": properties}


def props(*rows: str) -> str:
    return PROPS_HEADER + "".join(f"{row}\n" for row in rows)


def events(*rows: str) -> str:
    return EVENTS_HEADER + "".join(f"{row}\n" for row in rows)


def te(*rows: tuple, common: list[tuple] | None = None) -> dict:
    sheets: dict = {"#이벤트 데이터": [TE_HEADER, *rows]}
    if common is not None:
        header = ("속성 이름 (필수)", "속성 별칭", "속성 유형 (필수)", "속성 설명")
        sheets["#공통 이벤트 속성"] = [header, *common]
    return {"plan.xlsx": sheets}


LONG = "e" * 51
PLAN_HEADER = "Event Name,Property Name,Property Type,Entity Type,Allowed Values\n"

# id: (files, path to load relative to the folder)
CASES: dict[str, tuple[dict, str]] = {
    "missing_type_column": (
        seed(properties="name,description\nmethod,Login method\n"), "."),
    "missing_event_name_column": (seed(events="evt,foo\nlogin,x\n"), "."),
    "duplicate_event_case_insensitive": (
        seed(events=events("login,a,x,method", "Login,a,y,level")), "."),
    "duplicate_property": (
        seed(properties=props("method,string,,,event", "level,number,,,event",
                              "level,number,,,event")), "."),
    "undefined_property": (seed(events=events('login,a,x,"method,streak"')), "."),
    "unknown_type": (seed(properties=props("method,strng,,,event", "level,number,,,")), "."),
    "bad_constraint_backwards": (seed(properties=props("method,string,,,", "level,number,,5-1,")),
                                 "."),
    "bad_constraint_abc": (seed(properties=props("method,string,,,", "level,number,,abc-,")),
                           "."),
    "bad_constraint_open": (seed(properties=props("method,string,,,", "level,number,,1-,")),
                            "."),
    "bad_list_length": (seed(events=events("login,a,x,items"),
                             properties=props("items,list,,-2,")), "."),
    "bad_boolean_constraint": (seed(events=events("login,a,x,ok"),
                                    properties=props("ok,boolean,,\"true,maybe\",")), "."),
    "unknown_scope": (seed(properties=props("method,string,,,", "level,number,,,session")),
                      "."),
    "unknown_update_method": (
        seed(properties="name,type,scope,update_method\nmethod,string,event,\n"
                        "level,number,event,\ncoins,number,user,user_increment\n"), "."),
    "event_name_with_space": (seed(events=events("login,a,x,method", "level up,a,x,level")),
                              "."),
    "event_name_korean": (seed(events=events("login,a,x,method", "레벨업,a,x,level")), "."),
    "event_name_starts_with_digit": (seed(events=events("login,a,x,method", "1st_win,a,x,level")),
                                     "."),
    "event_name_too_long": (seed(events=events("login,a,x,method", f"{LONG},a,x,level")), "."),
    "property_name_not_a_preset": (
        seed(events=events('login,a,x,"method,#notapreset"'),
             properties=props("method,string,,,", "#notapreset,string,,,", "level,number,,,")),
        "."),
    "property_name_with_hyphen": (
        seed(events=events("login,a,x,login-method"), properties=props("login-method,string,,,")),
        "."),
    "empty_events": (seed(events=EVENTS_HEADER), "."),
    "missing_properties_csv": ({"events.csv": EVENTS_CSV}, "."),
    "empty_folder": ({}, "."),
    "bad_json": ({"plan.json": '{"events": [\n  {"name": "login",}\n]}'}, "plan.json"),
    "yaml_not_a_mapping": ({"plan.yaml": "- events\n- properties\n"}, "plan.yaml"),
    "bad_yaml": ({"plan.yaml": "events: [login\nproperties: {"}, "plan.yaml"),
    "json_events_not_a_list": ({"plan.json": '{"events": {"login": 1}, "properties": []}'},
                               "plan.json"),
    "nonexistent_path": ({}, "nope.xlsx"),
    "unsupported_extension": ({"plan.txt": "events"}, "plan.txt"),
    "single_csv": ({"events.csv": EVENTS_CSV}, "events.csv"),
    "old_xls": ({"plan.xls": b"\xd0\xcf\x11\xe0"}, "plan.xls"),
    "corrupt_xlsx": ({"plan.xlsx": b"this is not a zip file"}, "plan.xlsx"),
    "bad_product_json": ({**seed(), "product.json": "{industry: game}"}, "."),
    "xlsx_without_properties_sheet": (
        {"plan.xlsx": {"events": [("event_name", "properties"), ("login", "")]}}, "plan.xlsx"),
    "te_missing_type_column": (
        {"plan.xlsx": {"#이벤트 데이터": [TE_HEADER[:6], ("login", "", "", "", "level", "")]}},
        "plan.xlsx"),
    "te_orphan_child": (te(("login", "", "", "", "reward.id", "", "string", "")), "plan.xlsx"),
    "te_child_of_a_string": (te(("login", "", "", "", "reward", "", "string", ""),
                                (None, None, None, None, "reward.id", "", "string", "")),
                             "plan.xlsx"),
    "te_property_before_event": (te((None, None, None, None, "level", "", "number", ""),
                                    ("login", "", "", "", "", "", "", "")), "plan.xlsx"),
    "te_property_twice_in_event": (te(("login", "", "", "", "level", "", "number", ""),
                                      (None, None, None, None, "Level", "", "number", "")),
                                   "plan.xlsx"),
    "te_unknown_type_and_duplicate_event": (
        te(("login", "", "", "", "level", "", "integer-ish", ""),
           ("Login", "", "", "", "", "", "", "")), "plan.xlsx"),
    "plan_csv_missing_type_column": (
        {"plan.csv": "Event Name,Property Name\nlogin,method\n"}, "plan.csv"),
    "plan_csv_problems_with_places": (
        {"plan.csv": PLAN_HEADER + "".join(f"{row}\n" for row in (
            ",level,number,,",                      # a property before any event
            "login,method,strng,,",                 # a type nobody knows
            "login,,,,",
            ",coins,number,user setting,",           # a row kind nobody knows
            "level_up,level,number,,9-3"))}, "plan.csv"),
    "folder_of_two_plan_csvs": ({"a.csv": "Event Name\nlogin\n", "b.csv": "Event Name\n"}, "."),
    "multiple_problems_at_once": (
        seed(events=events('login,a,x,"method,streak"', "login,a,y,level"),
             properties=props("method,strng,,,", "level,number,,9-3,")), "."),
}


#: Every problem each case reports, in order ("{dir}" is the folder the files are in).
EXPECTED: dict[str, list[str]] = {
    "missing_type_column": [
        ("properties.csv, row 1: missing required column 'type' (add a column headed one "
         'of: type, data type, value type, property type, property value type, 속성 유형, 속성 '
         '유형 (필수), 유형, 타입, 데이터 유형, 属性类型, 属性类型(必填), 类型, '
         '数据类型, プロパティ型, プロパティタイプ, データ型)'),
    ],
    "missing_event_name_column": [
        ("events.csv, row 1: missing required column 'event_name' (add a column headed "
         'one of: event_name, event name, event, event key, entity name, object name, '
         '이벤트명, 이벤트 이름, 이벤트 이름 (필수), 이벤트, 事件名, '
         '事件名(必填), 事件名称, 事件英文名, 事件, イベント名)'),
    ],
    "duplicate_event_case_insensitive": [
        ("events.csv, row 3, column 'event_name': duplicate event 'Login': row 2 already "
         "defines 'login', and ThinkingData names are case-insensitive (remove or rename "
         'one of the two rows)'),
    ],
    "duplicate_property": [
        ("properties.csv, row 4, column 'name': duplicate property 'level' (already defined "
         'at row 3) (remove or rename one of the two rows)'),
    ],
    "undefined_property": [
        ("events.csv, row 2, column 'properties': event 'login' lists property 'streak', "
         "which properties.csv does not define (add a row for 'streak' there, or remove it "
         'from the list)'),
    ],
    "unknown_type": [
        ("properties.csv, row 2, column 'type': unknown type 'strng' for property 'method' "
         '(use one of: string, number, boolean, time, list, object, object group)'),
    ],
    "bad_constraint_backwards": [
        ("properties.csv, row 3, column 'constraint': bad constraint '5-1' for number "
         "property 'level': the minimum 5 is greater than the maximum 1 (write a range as "
         'min-max (e.g. 1-100), [min,max] or {min,max}, or list the allowed values '
         'separated by commas)'),
    ],
    "bad_constraint_abc": [
        ("properties.csv, row 3, column 'constraint': bad constraint 'abc-' for number "
         "property 'level': 'abc-' is neither a range (min-max, [min,max] or {min,max}) nor "
         'a list of numbers (write a range as min-max (e.g. 1-100), [min,max] or {min,max}, '
         'or list the allowed values separated by commas)'),
    ],
    "bad_constraint_open": [
        ("properties.csv, row 3, column 'constraint': bad constraint '1-' for number "
         "property 'level': '1-' is neither a range (min-max, [min,max] or {min,max}) nor a "
         'list of numbers (write a range as min-max (e.g. 1-100), [min,max] or {min,max}, '
         'or list the allowed values separated by commas)'),
    ],
    "bad_list_length": [
        ("properties.csv, row 2, column 'constraint': bad constraint '-2' for list property "
         "'items': '-2' is not a number of elements (a whole number like 3, or a range like "
         '1-5) (write a range as min-max (e.g. 1-100), [min,max] or {min,max}, or list the '
         'allowed values separated by commas)'),
    ],
    "bad_boolean_constraint": [
        ("properties.csv, row 2, column 'constraint': bad constraint 'true,maybe' for "
         "boolean property 'ok': a boolean takes only true and false (write a range as "
         'min-max (e.g. 1-100), [min,max] or {min,max}, or list the allowed values '
         'separated by commas)'),
    ],
    "unknown_scope": [
        ("properties.csv, row 3, column 'scope': unknown scope 'session' for property "
         "'level' (use event, common or user (empty means event))"),
    ],
    "unknown_update_method": [
        ("properties.csv, row 4, column 'update_method': unknown update method "
         "'user_increment' for user property 'coins' (use one of: user_set, user_setOnce, "
         'user_add, user_append, user_uniq_append)'),
    ],
    "event_name_with_space": [
        ("events.csv, row 3, column 'event_name': event name 'level up' is not valid in "
         "ThinkingData: it contains a space (only letters, digits and '_' are allowed) "
         "(start with a letter and use only letters, digits and '_', at most 50 characters; "
         "e.g. 'level_up')"),
    ],
    "event_name_korean": [
        ("events.csv, row 3, column 'event_name': event name '레벨업' is not valid in "
         "ThinkingData: it starts with '레' (names start with a letter A-Z or a-z) (start "
         "with a letter and use only letters, digits and '_', at most 50 characters)"),
    ],
    "event_name_starts_with_digit": [
        ("events.csv, row 3, column 'event_name': event name '1st_win' is not valid in "
         "ThinkingData: it starts with '1' (names start with a letter A-Z or a-z) (start "
         "with a letter and use only letters, digits and '_', at most 50 characters)"),
    ],
    "event_name_too_long": [
        ("events.csv, row 3, column 'event_name': event name "
         "'eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee' is not valid in "
         'ThinkingData: it is 51 characters long (at most 50) (start with a letter and use '
         "only letters, digits and '_', at most 50 characters; e.g. "
         "'eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee')"),
    ],
    "property_name_not_a_preset": [
        ("properties.csv, row 3, column 'name': property name '#notapreset' is not a "
         "ThinkingData preset property, and ThinkingData drops unknown '#' names (remove "
         "the '#' to make it a custom property ('notapreset'))"),
    ],
    "property_name_with_hyphen": [
        ("properties.csv, row 2, column 'name': property name 'login-method' is not valid "
         "in ThinkingData: it contains '-' (only letters, digits and '_' are allowed) "
         "(start with a letter and use only letters, digits and '_', at most 50 characters; "
         "e.g. 'login_method')"),
    ],
    "empty_events": [
        'events.csv: no events found (add one row per event below the header)',
    ],
    "missing_properties_csv": [
        ('{dir}: found events.csv but no properties.csv (add properties.csv beside '
         'events.csv)'),
    ],
    "empty_folder": [
        ('{dir}: no taxonomy file in this folder (add taxonomy.xlsx, taxonomy.json, '
         'taxonomy.yaml, one tracking-plan CSV, or events.csv with properties.csv)'),
    ],
    "bad_json": [
        ('plan.json, row 2: not valid JSON at column 20: Expecting property name enclosed '
         'in double quotes (fix the syntax there)'),
    ],
    "yaml_not_a_mapping": [
        ("plan.yaml: the top level is a list, not a mapping (write 'events:' and "
         "'properties:' keys at the top level)"),
    ],
    "bad_yaml": [
        ("plan.yaml, row 2: not valid YAML at column 11: expected ',' or ']', but got ':' "
         '(fix the syntax there)'),
    ],
    "json_events_not_a_list": [
        ("plan.json: 'events' is a mapping, not a list (write 'events:' as a list with one "
         'mapping per item)'),
    ],
    "nonexistent_path": [
        '{dir}/nope.xlsx: file or folder not found (check the path)',
    ],
    "unsupported_extension": [
        ("plan.txt: unsupported file type '.txt' (use .xlsx, .json, .yaml/.yml, a "
         'tracking-plan .csv, or a folder holding events.csv and properties.csv)'),
    ],
    "single_csv": [
        ('events.csv: events.csv is half of the two-file layout (pass the folder that '
         'holds events.csv and properties.csv)'),
    ],
    "old_xls": [
        ('plan.xls: old Excel .xls files are not supported (open it in Excel and save it as '
         '.xlsx)'),
    ],
    "corrupt_xlsx": [
        ('plan.xlsx: cannot open as an Excel workbook: File is not a zip file (open it in '
         'Excel and save it again as .xlsx)'),
    ],
    "bad_product_json": [
        ('product.json: cannot read product info: Expecting property name enclosed in '
         'double quotes: line 1 column 2 (char 1) (write it as a JSON object: {"industry": '
         '..., "platform": ...})'),
    ],
    "xlsx_without_properties_sheet": [
        ("plan.xlsx: no properties sheet found (sheets: events) (name the sheets 'events' "
         "and 'properties', or use ThinkingData's template with a '#이벤트 데이터' sheet)"),
    ],
    "te_missing_type_column": [
        ("plan.xlsx, sheet '#이벤트 데이터', row 1: missing required column 'type' (add a "
         'column headed one of: type, data type, value type, property type, property '
         'value type, 속성 유형, 속성 유형 (필수), 유형, 타입, '
         '데이터 유형, 属性类型, 属性类型(必填), 类型, 数据类型, '
         'プロパティ型, プロパティタイプ, データ型)'),
    ],
    "te_orphan_child": [
        ("plan.xlsx, sheet '#이벤트 데이터', row 2, column 'E (속성 이름 (필수))': "
         "'reward.id' is written as a field of 'reward', but no object or object group "
         "'reward' comes before it in event 'login' (add an object or object group row "
         "'reward' above it, or write the name without '.')"),
    ],
    "te_child_of_a_string": [
        ("plan.xlsx, sheet '#이벤트 데이터', row 3, column 'E (속성 이름 (필수))': "
         "'reward.id' is written as a field of 'reward', but 'reward' is a string property "
         "(make 'reward' an object or object group)"),
    ],
    "te_property_before_event": [
        ("plan.xlsx, sheet '#이벤트 데이터', row 2, column 'E (속성 이름 (필수))': property "
         "row comes before any event name (write the event's name in the first row of its "
         'block)'),
    ],
    "te_property_twice_in_event": [
        ("plan.xlsx, sheet '#이벤트 데이터', row 3, column 'E (속성 이름 (필수))': "
         "duplicate property 'Level' in event 'login': row 2 already defines 'level', and "
         'ThinkingData names are case-insensitive (remove or rename one of the two rows)'),
    ],
    "te_unknown_type_and_duplicate_event": [
        ("plan.xlsx, sheet '#이벤트 데이터', row 2, column 'G (속성 유형 (필수))': unknown "
         "type 'integer-ish' for property 'level' (use one of: string, number, boolean, "
         'time, list, object, object group)'),
        ("plan.xlsx, sheet '#이벤트 데이터', row 3, column 'A (이벤트 이름 (필수))': "
         "duplicate event 'Login': row 2 already defines 'login', and ThinkingData names "
         'are case-insensitive (remove or rename one of the two rows)'),
    ],
    "plan_csv_missing_type_column": [
        ("plan.csv, row 1: missing required column 'type' (add a column headed one of: "
         'type, data type, value type, property type, property value type, 속성 유형, 속성 유형 '
         '(필수), 유형, 타입, 데이터 유형, 属性类型, 属性类型(必填), 类型, '
         '数据类型, プロパティ型, プロパティタイプ, データ型)'),
    ],
    "plan_csv_problems_with_places": [
        ("plan.csv, row 5, column 'Entity Type': unknown row kind 'user setting' (use "
         'event, event property, user property or super property)'),
        ("plan.csv, row 2, column 'Property Name': property row comes before any event "
         "name (write the event's name in the first row of its block)"),
        ("plan.csv, row 3, column 'Property Type': unknown type 'strng' for property "
         "'method' (use one of: string, number, boolean, time, list, object, object group)"),
        ("plan.csv, row 6, column 'Allowed Values': bad constraint '9-3' for number "
         "property 'level': the minimum 9 is greater than the maximum 3 (write a range as "
         'min-max (e.g. 1-100), [min,max] or {min,max}, or list the allowed values '
         'separated by commas)'),
    ],
    "folder_of_two_plan_csvs": [
        ('{dir}: 2 CSV files and no events.csv with properties.csv: which is the tracking '
         'plan? (a.csv, b.csv) (pass the tracking-plan CSV file itself, or keep one CSV '
         'file in the folder)'),
    ],
    "multiple_problems_at_once": [
        ("properties.csv, row 2, column 'type': unknown type 'strng' for property 'method' "
         '(use one of: string, number, boolean, time, list, object, object group)'),
        ("properties.csv, row 3, column 'constraint': bad constraint '9-3' for number "
         "property 'level': the minimum 9 is greater than the maximum 3 (write a range as "
         'min-max (e.g. 1-100), [min,max] or {min,max}, or list the allowed values '
         'separated by commas)'),
        ("events.csv, row 3, column 'event_name': duplicate event 'login' (already defined "
         'at row 2) (remove or rename one of the two rows)'),
        ("events.csv, row 2, column 'properties': event 'login' lists property 'streak', "
         "which properties.csv does not define (add a row for 'streak' there, or remove it "
         'from the list)'),
    ],
}
