"""Write the other-language dev set (tests/data/lang_dev.jsonl): short news texts in Russian, Ukrainian, French,
German, Spanish and Korean, in the dev corpus format (../shared/eval/EVAL.md) with a "language" key.

The sentences are the project's own (written for this set, not taken from any news site); each place's written
forms (cases, particles, elisions) are written here with the place's English name and country, and the gold
point is read from the gazetteer (its GeoNames or ISO 3166-2 entry), never typed. The braces in a form mark the
span the gold annotates: "{Москве}", "d'{Odessa}", "{평양}에서". Sentences without braces carry no place (people
after titles, everyday words that are also names somewhere). Run: python scripts/make_lang_devset.py
"""

from __future__ import annotations

import json
import random
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

OUT = ROOT / "tests" / "data" / "lang_dev.jsonl"
TEXTS_PER_LANGUAGE = 42

# place: (English name, country, kind) or an ISO 3166-2 region id; forms by case.
RU = [
    (("Moscow", "RU", "city"), dict(nom="{Москва}", loc="в {Москве}", gen="из {Москвы}", acc="в {Москву}", ins="над {Москвой}")),
    (("Kyiv", "UA", "city"), dict(nom="{Киев}", loc="в {Киеве}", gen="из {Киева}", acc="в {Киев}", ins="над {Киевом}")),
    (("Kharkiv", "UA", "city"), dict(nom="{Харьков}", loc="в {Харькове}", gen="из {Харькова}", acc="в {Харьков}", ins="над {Харьковом}")),
    (("Kursk", "RU", "city"), dict(nom="{Курск}", loc="в {Курске}", gen="из {Курска}", acc="в {Курск}", ins="над {Курском}")),
    (("Belgorod", "RU", "city"), dict(nom="{Белгород}", loc="в {Белгороде}", gen="из {Белгорода}", acc="в {Белгород}", ins="над {Белгородом}")),
    (("Kazan", "RU", "city"), dict(nom="{Казань}", loc="в {Казани}", gen="из {Казани}", acc="в {Казань}", ins="над {Казанью}")),
    (("Novosibirsk", "RU", "city"), dict(nom="{Новосибирск}", loc="в {Новосибирске}", gen="из {Новосибирска}", acc="в {Новосибирск}", ins="над {Новосибирском}")),
    (("Voronezh", "RU", "city"), dict(nom="{Воронеж}", loc="в {Воронеже}", gen="из {Воронежа}", acc="в {Воронеж}", ins="над {Воронежем}")),
    (("Minsk", "BY", "city"), dict(nom="{Минск}", loc="в {Минске}", gen="из {Минска}", acc="в {Минск}", ins="над {Минском}")),
    (("Pyongyang", "KP", "city"), dict(nom="{Пхеньян}", loc="в {Пхеньяне}", gen="из {Пхеньяна}", acc="в {Пхеньян}", ins="над {Пхеньяном}")),
    (("Rostov-on-Don", "RU", "city"), dict(nom="{Ростов-на-Дону}", loc="в {Ростове-на-Дону}", gen="из {Ростова-на-Дону}", acc="в {Ростов-на-Дону}", ins="над {Ростовом-на-Дону}")),
    (("Ukraine", "UA", "country"), dict(nom="{Украина}", loc="на {Украине}", gen="из {Украины}", acc="на {Украину}", ins="над {Украиной}")),
    (("China", "CN", "country"), dict(nom="{Китай}", loc="в {Китае}", gen="из {Китая}", acc="в {Китай}", ins="над {Китаем}")),
    (("Germany", "DE", "country"), dict(nom="{Германия}", loc="в {Германии}", gen="из {Германии}", acc="в {Германию}", ins="над {Германией}")),
    (("Poland", "PL", "country"), dict(nom="{Польша}", loc="в {Польше}", gen="из {Польши}", acc="в {Польшу}", ins="над {Польшей}")),
    ("iso3166:RU-KRS", dict(nom="{Курская область}", loc="в {Курской области}", gen="из {Курской области}", acc="в {Курскую область}", ins="над {Курской областью}")),
    ("iso3166:RU-BEL", dict(nom="{Белгородская область}", loc="в {Белгородской области}", gen="из {Белгородской области}", acc="в {Белгородскую область}", ins="над {Белгородской областью}")),
]
RU_TEMPLATES = [
    "Вечером [loc] прошла акция в поддержку местных врачей.",
    "Поезд [gen] прибыл с опозданием почти на три часа.",
    "Делегация [gen] провела переговоры [loc].",
    "[nom] готовится принять международный форум по энергетике.",
    "Ночью [ins] сбили несколько беспилотников, сообщили военные.",
    "Сборная отправилась [acc] на двухнедельные сборы.",
    "Цены на жильё [loc] выросли за год на пять процентов.",
    "Министр Лавров заявил журналистам, что переговоры продолжатся.",
    "Президент Путин провёл совещание по бюджету на следующий год.",
    "Рейсы [gen] [acc] возобновятся в понедельник.",
    "Мир и согласие важнее любых споров, сказал депутат.",
]
UK = [
    (("Kyiv", "UA", "city"), dict(nom="{Київ}", loc="у {Києві}", gen="з {Києва}", acc="до {Києва}", ins="над {Києвом}")),
    (("Kharkiv", "UA", "city"), dict(nom="{Харків}", loc="у {Харкові}", gen="з {Харкова}", acc="до {Харкова}", ins="над {Харковом}")),
    (("Odesa", "UA", "city"), dict(nom="{Одеса}", loc="в {Одесі}", gen="з {Одеси}", acc="на {Одесу}", ins="над {Одесою}")),
    (("Lviv", "UA", "city"), dict(nom="{Львів}", loc="у {Львові}", gen="зі {Львова}", acc="до {Львова}", ins="над {Львовом}")),
    (("Dnipro", "UA", "city"), dict(nom="{Дніпро}", loc="у {Дніпрі}", gen="з {Дніпра}", acc="на {Дніпро}", ins="над {Дніпром}")),
    (("Poltava", "UA", "city"), dict(nom="{Полтава}", loc="у {Полтаві}", gen="з {Полтави}", acc="на {Полтаву}", ins="над {Полтавою}")),
    (("Chernihiv", "UA", "city"), dict(nom="{Чернігів}", loc="у {Чернігові}", gen="з {Чернігова}", acc="до {Чернігова}", ins="над {Черніговом}")),
    (("Zhytomyr", "UA", "city"), dict(nom="{Житомир}", loc="у {Житомирі}", gen="з {Житомира}", acc="до {Житомира}", ins="над {Житомиром}")),
    (("Vinnytsya", "UA", "city"), dict(nom="{Вінниця}", loc="у {Вінниці}", gen="з {Вінниці}", acc="на {Вінницю}", ins="над {Вінницею}")),
    (("Lutsk", "UA", "city"), dict(nom="{Луцьк}", loc="у {Луцьку}", gen="з {Луцька}", acc="до {Луцька}", ins="над {Луцьком}")),
    (("Kramatorsk", "UA", "city"), dict(nom="{Краматорськ}", loc="у {Краматорську}", gen="з {Краматорська}", acc="на {Краматорськ}", ins="над {Краматорськом}")),
    (("Ukraine", "UA", "country"), dict(nom="{Україна}", loc="в {Україні}", gen="з {України}", acc="в {Україну}", ins="над {Україною}")),
    (("Poland", "PL", "country"), dict(nom="{Польща}", loc="у {Польщі}", gen="з {Польщі}", acc="до {Польщі}", ins="над {Польщею}")),
    (("Russia", "RU", "country"), dict(nom="{Росія}", loc="у {Росії}", gen="з {Росії}", acc="до {Росії}", ins="над {Росією}")),
    (("Germany", "DE", "country"), dict(nom="{Німеччина}", loc="у {Німеччині}", gen="з {Німеччини}", acc="до {Німеччини}", ins="над {Німеччиною}")),
    ("iso3166:UA-63", dict(nom="{Харківська область}", loc="у {Харківській області}", gen="з {Харківської області}", acc="на {Харківську область}", ins="над {Харківською областю}")),
    ("iso3166:UA-59", dict(nom="{Сумська область}", loc="у {Сумській області}", gen="із {Сумської області}", acc="на {Сумську область}", ins="над {Сумською областю}")),
    ("iso3166:UA-51", dict(nom="{Одеська область}", loc="в {Одеській області}", gen="з {Одеської області}", acc="на {Одеську область}", ins="над {Одеською областю}")),
]
UK_TEMPLATES = [
    "Уранці [loc] відкрили новий міст через річку.",
    "Волонтери [gen] привезли генератори для лікарні.",
    "Нічна атака дронів [ins] тривала понад дві години.",
    "[nom] отримає кошти на ремонт шкіл, повідомили у міністерстві.",
    "Потяг [gen] прибув [acc] із затримкою.",
    "Ціни на хліб [loc] зросли на десять відсотків.",
    "Президент Зеленський подякував рятувальникам за роботу.",
    "Міністр Сибіга провів телефонну розмову з колегами.",
    "Делегація [gen] обговорила енергетику [loc].",
    "Мер Садовий заявив, що укриття працюватимуть цілодобово.",
]
FR = [
    (("Paris", "FR", "city"), dict(at="à {Paris}", of="de {Paris}", nom="{Paris}")),
    (("Lyon", "FR", "city"), dict(at="à {Lyon}", of="de {Lyon}", nom="{Lyon}")),
    (("Marseille", "FR", "city"), dict(at="à {Marseille}", of="de {Marseille}", nom="{Marseille}")),
    (("Bordeaux", "FR", "city"), dict(at="à {Bordeaux}", of="de {Bordeaux}", nom="{Bordeaux}")),
    (("Lille", "FR", "city"), dict(at="à {Lille}", of="de {Lille}", nom="{Lille}")),
    (("Toulouse", "FR", "city"), dict(at="à {Toulouse}", of="de {Toulouse}", nom="{Toulouse}")),
    (("Kharkiv", "UA", "city"), dict(at="à {Kharkiv}", of="de {Kharkiv}", nom="{Kharkiv}")),
    (("Odesa", "UA", "city"), dict(at="à {Odessa}", of="d'{Odessa}", nom="{Odessa}")),
    (("Moscow", "RU", "city"), dict(at="à {Moscou}", of="de {Moscou}", nom="{Moscou}")),
    (("Warsaw", "PL", "city"), dict(at="à {Varsovie}", of="de {Varsovie}", nom="{Varsovie}")),
    (("Brussels", "BE", "city"), dict(at="à {Bruxelles}", of="de {Bruxelles}", nom="{Bruxelles}")),
    (("Seoul", "KR", "city"), dict(at="à {Séoul}", of="de {Séoul}", nom="{Séoul}")),
    (("Ukraine", "UA", "country"), dict(at="en {Ukraine}", of="d'{Ukraine}", nom="l'{Ukraine}")),
    (("Russia", "RU", "country"), dict(at="en {Russie}", of="de {Russie}", nom="la {Russie}")),
    (("Germany", "DE", "country"), dict(at="en {Allemagne}", of="d'{Allemagne}", nom="l'{Allemagne}")),
    (("Poland", "PL", "country"), dict(at="en {Pologne}", of="de {Pologne}", nom="la {Pologne}")),
    (("North Korea", "KP", "country"), dict(at="en {Corée du Nord}", of="de {Corée du Nord}", nom="la {Corée du Nord}")),
    ("iso3166:UA-63", dict(at="dans la {région de Kharkiv}", of="de la {région de Kharkiv}", nom="la {région de Kharkiv}")),
    ("iso3166:RU-KRS", dict(at="dans la {région de Koursk}", of="de la {région de Koursk}", nom="la {région de Koursk}")),
]
FR_TEMPLATES = [
    "Une grève des transports a perturbé la circulation [at] ce lundi.",
    "Le maire [of] a présenté un plan pour rénover les écoles.",
    "Des diplomates se sont réunis [at] pour parler d'énergie.",
    "Selon les autorités, [nom] a connu une nuit calme.",
    "Le président Macron a salué le travail des pompiers.",
    "Plusieurs vols entre [nom] et [nom] ont été annulés.",
    "Les prix de l'immobilier ont encore augmenté [at].",
    "La ministre a rencontré des agriculteurs venus [of].",
    "Un festival de musique s'ouvre [at] à la fin du mois.",
]
DE = [
    (("Berlin", "DE", "city"), dict(at="in {Berlin}", gen="{Berlins}", nom="{Berlin}")),
    (("Munich", "DE", "city"), dict(at="in {München}", gen="{Münchens}", nom="{München}")),
    (("Köln", "DE", "city"), dict(at="in {Köln}", gen="{Kölns}", nom="{Köln}")),
    (("Hamburg", "DE", "city"), dict(at="in {Hamburg}", gen="{Hamburgs}", nom="{Hamburg}")),
    (("Dresden", "DE", "city"), dict(at="in {Dresden}", gen="{Dresdens}", nom="{Dresden}")),
    (("Leipzig", "DE", "city"), dict(at="in {Leipzig}", gen="{Leipzigs}", nom="{Leipzig}")),
    (("Kharkiv", "UA", "city"), dict(at="in {Charkiw}", gen="{Charkiws}", nom="{Charkiw}")),
    (("Kyiv", "UA", "city"), dict(at="in {Kiew}", gen="{Kiews}", nom="{Kiew}")),
    (("Moscow", "RU", "city"), dict(at="in {Moskau}", gen="{Moskaus}", nom="{Moskau}")),
    (("Warsaw", "PL", "city"), dict(at="in {Warschau}", gen="{Warschaus}", nom="{Warschau}")),
    (("Vienna", "AT", "city"), dict(at="in {Wien}", gen="{Wiens}", nom="{Wien}")),
    (("Pyongyang", "KP", "city"), dict(at="in {Pjöngjang}", gen="{Pjöngjangs}", nom="{Pjöngjang}")),
    (("Russia", "RU", "country"), dict(at="in {Russland}", gen="{Russlands}", nom="{Russland}")),
    (("Poland", "PL", "country"), dict(at="in {Polen}", gen="{Polens}", nom="{Polen}")),
    (("France", "FR", "country"), dict(at="in {Frankreich}", gen="{Frankreichs}", nom="{Frankreich}")),
    (("Austria", "AT", "country"), dict(at="in {Österreich}", gen="{Österreichs}", nom="{Österreich}")),
    (("North Korea", "KP", "country"), dict(at="in {Nordkorea}", gen="{Nordkoreas}", nom="{Nordkorea}")),
    ("iso3166:RU-KRS", dict(at="in der {Region Kursk}", gen="der {Region Kursk}", nom="die {Region Kursk}")),
    ("iso3166:UA-63", dict(at="im {Gebiet Charkiw}", gen="des {Gebiets Charkiw}", nom="das {Gebiet Charkiw}")),
]
DE_TEMPLATES = [
    "Am Montag streikten die Busfahrer [at] den ganzen Tag.",
    "Die Bürgermeisterin [gen] stellte einen neuen Radweg vor.",
    "Diplomaten trafen sich [at], um über Energie zu sprechen.",
    "Nach Angaben der Polizei blieb es [at] ruhig.",
    "Präsident Steinmeier dankte den Helfern für ihren Einsatz.",
    "Kanzler Merz reiste am Abend zurück.",
    "Die Mieten [gen] sind im vergangenen Jahr deutlich gestiegen.",
    "Ein Zug von [nom] nach [nom] fiel wegen eines Unwetters aus.",
    "Zum Essen gab es Suppe und Brot, sagte der Koch.",
]
ES = [
    (("Madrid", "ES", "city"), dict(at="en {Madrid}", of="de {Madrid}", nom="{Madrid}")),
    (("Barcelona", "ES", "city"), dict(at="en {Barcelona}", of="de {Barcelona}", nom="{Barcelona}")),
    (("Sevilla", "ES", "city"), dict(at="en {Sevilla}", of="de {Sevilla}", nom="{Sevilla}")),
    (("Valencia", "ES", "city"), dict(at="en {Valencia}", of="de {Valencia}", nom="{Valencia}")),
    (("Bilbao", "ES", "city"), dict(at="en {Bilbao}", of="de {Bilbao}", nom="{Bilbao}")),
    (("Kharkiv", "UA", "city"), dict(at="en {Járkov}", of="de {Járkov}", nom="{Járkov}")),
    (("Kyiv", "UA", "city"), dict(at="en {Kiev}", of="de {Kiev}", nom="{Kiev}")),
    (("Moscow", "RU", "city"), dict(at="en {Moscú}", of="de {Moscú}", nom="{Moscú}")),
    (("Warsaw", "PL", "city"), dict(at="en {Varsovia}", of="de {Varsovia}", nom="{Varsovia}")),
    (("Brussels", "BE", "city"), dict(at="en {Bruselas}", of="de {Bruselas}", nom="{Bruselas}")),
    (("London", "GB", "city"), dict(at="en {Londres}", of="de {Londres}", nom="{Londres}")),
    (("Seoul", "KR", "city"), dict(at="en {Seúl}", of="de {Seúl}", nom="{Seúl}")),
    (("Ukraine", "UA", "country"), dict(at="en {Ucrania}", of="de {Ucrania}", nom="{Ucrania}")),
    (("Russia", "RU", "country"), dict(at="en {Rusia}", of="de {Rusia}", nom="{Rusia}")),
    (("Germany", "DE", "country"), dict(at="en {Alemania}", of="de {Alemania}", nom="{Alemania}")),
    (("France", "FR", "country"), dict(at="en {Francia}", of="de {Francia}", nom="{Francia}")),
    (("North Korea", "KP", "country"), dict(at="en {Corea del Norte}", of="de {Corea del Norte}", nom="{Corea del Norte}")),
    ("iso3166:UA-63", dict(at="en la {provincia de Járkov}", of="de la {provincia de Járkov}", nom="la {provincia de Járkov}")),
    ("iso3166:RU-KRS", dict(at="en la {región de Kursk}", of="de la {región de Kursk}", nom="la {región de Kursk}")),
]
ES_TEMPLATES = [
    "Una huelga de metro complicó los trayectos [at] este martes.",
    "El alcalde [of] presentó un plan para reformar los colegios.",
    "Varios diplomáticos se reunieron [at] para hablar de energía.",
    "Según la policía, la noche fue tranquila [at].",
    "El presidente Sánchez agradeció el trabajo de los bomberos.",
    "Se cancelaron varios vuelos entre [nom] y [nom] por la niebla.",
    "El precio del alquiler subió otra vez [at].",
    "La ministra recibió a un grupo de agricultores [of].",
    "Un festival de cine abrirá sus puertas [at] a finales de mes.",
]
# Korean: a name and a particle slot; the particle pair's first form follows a final consonant.
KO = [
    (("Pyongyang", "KP", "city"), "평양"), (("Seoul", "KR", "city"), "서울"), (("Busan", "KR", "city"), "부산"),
    (("Wŏnsan", "KP", "city"), "원산"), (("Incheon", "KR", "city"), "인천"), (("Daegu", "KR", "city"), "대구"),
    (("Kaesŏng", "KP", "city"), "개성"), (("Moscow", "RU", "city"), "모스크바"), (("Tokyo", "JP", "city"), "도쿄"),
    (("Beijing", "CN", "city"), "베이징"), (("Kharkiv", "UA", "city"), "하르키우"),
    (("Vladivostok", "RU", "city"), "블라디보스토크"),
    (("Russia", "RU", "country"), "러시아"), (("United States", "US", "country"), "미국"),
    (("Japan", "JP", "country"), "일본"), (("China", "CN", "country"), "중국"), (("North Korea", "KP", "country"), "북한"),
    (("Ukraine", "UA", "country"), "우크라이나"), ("iso3166:RU-KRS", "쿠르스크주"),
]
KO_TEMPLATES = [
    "[에서] 대규모 행사가 열렸다.",
    "[의] 시장은 새로운 교통 대책을 발표했다.",
    "외교관들이 [에서] 에너지 협력을 논의했다.",
    "경찰에 따르면 [는] 밤새 조용했다.",
    "김민수 장관은 소방관들의 노고에 감사를 표했다.",
    "[과] [를] 잇는 항공편이 취소됐다.",
    "[에서] 집값이 다시 올랐다.",
    "대표단이 [를] 방문해 회담을 가졌다.",
    "박지현 대변인은 추가 설명을 하지 않았다.",
    "[로] 향하던 열차가 폭우로 멈췄다.",
]
KOREAN_PAIRS = {"을": ("을", "를"), "를": ("을", "를"), "이": ("이", "가"), "가": ("이", "가"), "은": ("은", "는"),
                "는": ("은", "는"), "과": ("과", "와"), "와": ("과", "와"), "으로": ("으로", "로"), "로": ("으로", "로")}


def korean_form(name: str, particle: str) -> str:
    last = name[-1]
    consonant = "\uac00" <= last <= "\ud7a3" and (ord(last) - 0xAC00) % 28 != 0
    if particle in KOREAN_PAIRS:
        after_consonant, after_vowel = KOREAN_PAIRS[particle]
        if particle in ("으로", "로") and (ord(last) - 0xAC00) % 28 == 8:  # ㄹ takes 로
            consonant = False
        particle = after_consonant if consonant else after_vowel
    return "{" + name + "}" + particle


LANGUAGES = {
    "ru": (RU, RU_TEMPLATES), "uk": (UK, UK_TEMPLATES), "fr": (FR, FR_TEMPLATES), "de": (DE, DE_TEMPLATES),
    "es": (ES, ES_TEMPLATES), "ko": (KO, KO_TEMPLATES),
}
_SLOT = re.compile(r"\[([^\]]+)\]")
_BRACED = re.compile(r"\{([^}]*)\}")


def resolve_place(gaz, ref):
    """The gazetteer's entry for a place reference: its point and GeoNames id come from the data."""
    if isinstance(ref, str):
        cand = gaz.by_id(ref)
    else:
        name, country, kind = ref
        cand = next((c for c in gaz.search(name, limit=50) if c.country == country and c.kind == kind), None)
    if cand is None:
        raise SystemExit(f"no gazetteer entry for {ref!r}")
    return cand


def build_text(rng, places, templates, language):
    """One article: two or three of the templates, each slot filled by a different place."""
    chosen = rng.sample(templates, rng.choice((2, 3)))
    used: set[int] = set()
    parts: list[str] = []
    for template in chosen:
        def fill(match, used=used):
            case = match.group(1)
            pool = [i for i in range(len(places)) if i not in used]
            i = rng.choice(pool)
            used.add(i)
            ref, forms = places[i]
            if language == "ko":
                return korean_form(forms, case)
            return forms[case]
        sentence = _SLOT.sub(fill, template)
        parts.append(sentence[0].upper() + sentence[1:] if sentence[0] != "{" else
                     "{" + sentence[1].upper() + sentence[2:])
    return " ".join(parts), [places[i][0] for i in sorted(used)]


def main() -> None:
    from geo.places.gazetteer import load_gazetteer

    gaz = load_gazetteer()
    rng = random.Random(25)
    lines = []
    for language, (places, templates) in LANGUAGES.items():
        points = {str(ref): resolve_place(gaz, ref) for ref, _ in places}
        forms_of = {}
        for ref, forms in places:
            for form in (["{" + forms + "}"] if isinstance(forms, str) else forms.values()):
                for name in _BRACED.findall(form):
                    forms_of[name] = points[str(ref)]
        for number in range(TEXTS_PER_LANGUAGE):
            braced, _ = build_text(rng, places, templates, language)
            text, toponyms, pos = "", [], 0
            for match in _BRACED.finditer(braced):
                text += braced[pos : match.start()]
                start = len(text)
                name = match.group(1)
                text += name
                cand = forms_of[name[0].lower() + name[1:]] if name not in forms_of else forms_of[name]
                toponyms.append({"start": start, "end": len(text), "text": name, "lat": cand.lat, "lon": cand.lon,
                                 "geonameid": cand.geonameid, "id": cand.id})
                pos = match.end()
            text += braced[pos:]
            assert all(text[t["start"]:t["end"]] == t["text"] for t in toponyms)
            lines.append({"id": f"{language}-{number:02d}", "language": language, "text": text,
                          "toponyms": toponyms})
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text("".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines), encoding="utf-8")
    print(f"wrote {len(lines)} texts to {OUT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()


# A second, harder set, written sentence by sentence without the templates: other places, other cases and
# constructions, people whose names are places elsewhere. Its figures say more about unseen text than the
# templated set's. Braces mark the gold; each written form maps to its place.
HELD_OUT = [
    ("ru", "Жители {Твери} и {Ярославля} пожаловались на перебои с водой. Глава {Тверской области} пообещал "
           "всё исправить до зимы.", {"Твери": ("Tver", "RU", "city"), "Ярославля": ("Yaroslavl", "RU", "city"),
                                       "Тверской области": "iso3166:RU-TVE"}),
    ("ru", "Футбольный клуб из {Самары} обыграл соперников из {Екатеринбурга}. Тренер Смоленский остался доволен.",
     {"Самары": ("Samara", "RU", "city"), "Екатеринбурга": ("Yekaterinburg", "RU", "city")}),
    ("ru", "Самолёт из {Стамбула} приземлился в {Сочи} с опозданием. Пассажиры летели дальше в {Иркутск}.",
     {"Стамбула": ("Istanbul", "TR", "city"), "Сочи": ("Sochi", "RU", "city"), "Иркутск": ("Irkutsk", "RU", "city")}),
    ("ru", "Переговоры в {Женеве} закончились без результата, а делегация {Ирана} уехала в {Тегеран}.",
     {"Женеве": ("Geneva", "CH", "city"), "Ирана": ("Iran", "IR", "country"), "Тегеран": ("Tehran", "IR", "city")}),
    ("ru", "Над {Брянской областью} ночью работала ПВО, сообщил губернатор Богомаз.",
     {"Брянской областью": "iso3166:RU-BRY"}),
    ("uk", "Енергетики відновили світло в {Херсоні} та {Миколаєві}. Голова {Херсонської області} подякував "
           "бригадам.", {"Херсоні": ("Kherson", "UA", "city"), "Миколаєві": ("Mykolayiv", "UA", "city"),
                          "Херсонської області": "iso3166:UA-65"}),
    ("uk", "Делегація з {Варшави} прибула до {Ужгорода}, а згодом поїхала до {Тернополя}.",
     {"Варшави": ("Warsaw", "PL", "city"), "Ужгорода": ("Uzhhorod", "UA", "city"), "Тернополя": ("Ternopil", "UA", "city")}),
    ("uk", "Міністр Кулеба зустрівся з колегами у {Брюсселі}. Наступна зустріч відбудеться в {Празі}.",
     {"Брюсселі": ("Brussels", "BE", "city"), "Празі": ("Prague", "CZ", "city")}),
    ("uk", "Ракетний удар по {Запоріжжю} пошкодив кілька будинків, повідомили в {Запорізькій області}.",
     {"Запоріжжю": ("Zaporizhzhya", "UA", "city"), "Запорізькій області": "iso3166:UA-23"}),
    ("uk", "У {Черкасах} відкрили новий ліцей, а в {Полтаві} ремонтують лікарню.",
     {"Черкасах": ("Cherkasy", "UA", "city"), "Полтаві": ("Poltava", "UA", "city")}),
    ("fr", "Des inondations ont frappé {Nantes} et {Rennes}. Le préfet de {Bretagne} a demandé de la prudence.",
     {"Nantes": ("Nantes", "FR", "city"), "Rennes": ("Rennes", "FR", "city"), "Bretagne": "iso3166:FR-BRE"}),
    ("fr", "Le ministre Barrot s'est rendu à {Beyrouth} puis en {Jordanie}, avant de rentrer à {Paris}.",
     {"Beyrouth": ("Beirut", "LB", "city"), "Jordanie": ("Jordan", "JO", "country"), "Paris": ("Paris", "FR", "city")}),
    ("fr", "Les supporters venus de {Strasbourg} ont envahi les rues de {Nice} samedi soir.",
     {"Strasbourg": ("Strasbourg", "FR", "city"), "Nice": ("Nice", "FR", "city")}),
    ("fr", "Selon l'armée, des drones ont visé {Dnipro} et la {région de Zaporijia}.",
     {"Dnipro": ("Dnipro", "UA", "city"), "région de Zaporijia": "iso3166:UA-23"}),
    ("fr", "Le sommet de {Genève} a réuni des délégués du {Japon} et du {Canada}.",
     {"Genève": ("Geneva", "CH", "city"), "Japon": ("Japan", "JP", "country"), "Canada": ("Canada", "CA", "country")}),
    ("de", "In {Stuttgart} und {Nürnberg} streikten die Beschäftigten des Nahverkehrs.",
     {"Stuttgart": ("Stuttgart", "DE", "city"), "Nürnberg": ("Nuremberg", "DE", "city")}),
    ("de", "Die Außenministerin reiste von {Kairo} nach {Amman}, bevor sie {Israel} besuchte.",
     {"Kairo": ("Cairo", "EG", "city"), "Amman": ("Amman", "JO", "city"), "Israel": ("Israel", "IL", "country")}),
    ("de", "Bürgermeister Wegner lobte die Feuerwehr {Berlins}. Die Halle blieb bis Sonntag geschlossen.",
     {"Berlins": ("Berlin", "DE", "city")}),
    ("de", "Russische Truppen griffen Dörfer im {Gebiet Sumy} an, meldete die Armee aus {Kiew}.",
     {"Gebiet Sumy": "iso3166:UA-59", "Kiew": ("Kyiv", "UA", "city")}),
    ("de", "Ein Sturm traf {Bremen} und die Küste {Dänemarks} am Dienstagabend.",
     {"Bremen": ("Bremen", "DE", "city"), "Dänemarks": ("Denmark", "DK", "country")}),
    ("es", "Las lluvias inundaron calles de {Málaga} y {Granada}, según el servicio de emergencias.",
     {"Málaga": ("Málaga", "ES", "city"), "Granada": ("Granada", "ES", "city")}),
    ("es", "El ministro Albares viajó a {Rabat} y luego a {Argel} para hablar de gas.",
     {"Rabat": ("Rabat", "MA", "city"), "Argel": ("Algiers", "DZ", "city")}),
    ("es", "Miles de personas se manifestaron en {Buenos Aires} y en {Santiago} contra los recortes.",
     {"Buenos Aires": ("Buenos Aires", "AR", "city"), "Santiago": ("Santiago", "CL", "city")}),
    ("es", "Ataques con drones alcanzaron {Odesa} y la {provincia de Sumy} durante la noche.",
     {"Odesa": ("Odesa", "UA", "city"), "provincia de Sumy": "iso3166:UA-59"}),
    ("es", "La selección de {México} jugará en {Lisboa} contra {Portugal}.",
     {"México": ("Mexico", "MX", "country"), "Lisboa": ("Lisbon", "PT", "city"), "Portugal": ("Portugal", "PT", "country")}),
    ("ko", "{청주}에서 열린 회의에는 {대전}과 {세종}의 공무원들이 참석했다.",
     {"청주": ("Cheongju-si", "KR", "city"), "대전": ("Daejeon", "KR", "city"), "세종": ("Sejong", "KR", "city")}),
    ("ko", "{북한}은 {함흥} 인근에서 미사일을 발사했다고 군이 밝혔다.",
     {"북한": ("North Korea", "KP", "country"), "함흥": ("Hamhŭng", "KP", "city")}),
    ("ko", "외교부 장관은 {베를린}과 {파리}를 차례로 방문할 예정이다.",
     {"베를린": ("Berlin", "DE", "city"), "파리": ("Paris", "FR", "city")}),
    ("ko", "{일본} 정부는 {오사카}에서 열리는 박람회 준비를 마쳤다고 밝혔다.",
     {"일본": ("Japan", "JP", "country"), "오사카": ("Osaka", "JP", "city")}),
    ("ko", "이순신 장관은 {광주}로 향하는 열차 안에서 기자들과 만났다.",
     {"광주": ("Gwangju", "KR", "city")}),
]
HELD_OUT_FILE = ROOT / "tests" / "data" / "lang_heldout.jsonl"


def write_held_out() -> None:
    from geo.places.gazetteer import load_gazetteer

    gaz = load_gazetteer()
    lines = []
    for number, (language, braced, refs) in enumerate(HELD_OUT):
        text, toponyms, pos = "", [], 0
        for match in _BRACED.finditer(braced):
            text += braced[pos : match.start()]
            start = len(text)
            name = match.group(1)
            text += name
            cand = resolve_place(gaz, refs[name])
            toponyms.append({"start": start, "end": len(text), "text": name, "lat": cand.lat, "lon": cand.lon,
                             "geonameid": cand.geonameid, "id": cand.id})
            pos = match.end()
        text += braced[pos:]
        lines.append({"id": f"held-{language}-{number:02d}", "language": language, "text": text,
                      "toponyms": toponyms})
    HELD_OUT_FILE.write_text("".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines),
                             encoding="utf-8")
    print(f"wrote {len(lines)} texts to {HELD_OUT_FILE.relative_to(ROOT)}")


if __name__ == "__main__":
    write_held_out()
