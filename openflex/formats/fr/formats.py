# French formats as dealership staff read them: 16/12/2024 à 16h32, 25 000,00.
DATE_FORMAT = "d/m/Y"
SHORT_DATE_FORMAT = "d/m/Y"
DATETIME_FORMAT = r"d/m/Y \à H\hi"
SHORT_DATETIME_FORMAT = r"d/m/Y \à H\hi"
TIME_FORMAT = r"H\hi"
DATE_INPUT_FORMATS = ["%d/%m/%Y", "%Y-%m-%d", "%d/%m/%y"]
DATETIME_INPUT_FORMATS = ["%d/%m/%Y %H:%M", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M"]
DECIMAL_SEPARATOR = ","
THOUSAND_SEPARATOR = "\xa0"
NUMBER_GROUPING = 3
FIRST_DAY_OF_WEEK = 1
