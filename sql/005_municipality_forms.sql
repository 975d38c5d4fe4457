-- 005: whether a municipality calls itself a city (kaupunki, stad) or a
-- municipality (kunta, kommun), and its Finnish name in the genitive
-- ("Kontiolahden"), so that the documents name the right bodies
-- (kaupunginvaltuusto or kunnanvaltuusto, stadsstyrelsen or
-- kommunstyrelsen) and inflect the name ("Kontiolahden ilmastosuunnitelma").
--
-- `form` NULL means not given by the register: the store then reads the
-- 107 cities of 2021-2025 below (Statistics Finland's municipality
-- classification, kuntamuoto), and any other municipality as a kunta. A
-- register with a `muoto` column (kunta or kaupunki) sets it; so does the
-- demo. `name_fi_genitive` NULL: the documents use a form that needs none.
--
-- SPDX-License-Identifier: AGPL-3.0-or-later

ALTER TABLE municipality ADD COLUMN form TEXT CHECK (form IN ('kunta', 'kaupunki'));
ALTER TABLE municipality ADD COLUMN name_fi_genitive TEXT
    CHECK (length(name_fi_genitive) BETWEEN 1 AND 100);

-- The municipalities that were cities (kaupunki) in 2021-2025, by their
-- Finnish name as the register spells it.
CREATE TABLE municipality_city (name_fi TEXT PRIMARY KEY) STRICT, WITHOUT ROWID;
INSERT INTO municipality_city (name_fi) VALUES
    -- Uusimaa
    ('Espoo'), ('Hanko'), ('Helsinki'), ('Hyvinkää'), ('Järvenpää'), ('Karkkila'),
    ('Kauniainen'), ('Kerava'), ('Lohja'), ('Loviisa'), ('Porvoo'), ('Raasepori'), ('Vantaa'),
    -- Varsinais-Suomi
    ('Kaarina'), ('Laitila'), ('Loimaa'), ('Naantali'), ('Paimio'), ('Parainen'), ('Raisio'),
    ('Salo'), ('Somero'), ('Turku'), ('Uusikaupunki'),
    -- Satakunta
    ('Harjavalta'), ('Huittinen'), ('Kankaanpää'), ('Kokemäki'), ('Pori'), ('Rauma'), ('Ulvila'),
    -- Kanta-Häme
    ('Forssa'), ('Hämeenlinna'), ('Riihimäki'),
    -- Pirkanmaa
    ('Akaa'), ('Ikaalinen'), ('Kangasala'), ('Mänttä-Vilppula'), ('Nokia'), ('Orivesi'),
    ('Parkano'), ('Sastamala'), ('Tampere'), ('Valkeakoski'), ('Virrat'), ('Ylöjärvi'),
    -- Päijät-Häme
    ('Heinola'), ('Lahti'), ('Orimattila'),
    -- Kymenlaakso
    ('Hamina'), ('Kotka'), ('Kouvola'),
    -- Etelä-Karjala
    ('Imatra'), ('Lappeenranta'),
    -- Etelä-Savo
    ('Mikkeli'), ('Pieksämäki'), ('Savonlinna'),
    -- Pohjois-Savo
    ('Iisalmi'), ('Kiuruvesi'), ('Kuopio'), ('Suonenjoki'), ('Varkaus'),
    -- Pohjois-Karjala
    ('Joensuu'), ('Kitee'), ('Lieksa'), ('Nurmes'), ('Outokumpu'),
    -- Keski-Suomi
    ('Jyväskylä'), ('Jämsä'), ('Keuruu'), ('Saarijärvi'), ('Viitasaari'), ('Äänekoski'),
    -- Etelä-Pohjanmaa
    ('Alajärvi'), ('Alavus'), ('Kauhajoki'), ('Kauhava'), ('Kurikka'), ('Lapua'), ('Seinäjoki'),
    ('Ähtäri'),
    -- Pohjanmaa
    ('Kaskinen'), ('Kristiinankaupunki'), ('Närpiö'), ('Pietarsaari'), ('Uusikaarlepyy'),
    ('Vaasa'),
    -- Keski-Pohjanmaa
    ('Kannus'), ('Kokkola'),
    -- Pohjois-Pohjanmaa
    ('Haapajärvi'), ('Haapavesi'), ('Kalajoki'), ('Kuusamo'), ('Nivala'), ('Oulainen'), ('Oulu'),
    ('Pudasjärvi'), ('Pyhäjärvi'), ('Raahe'), ('Ylivieska'),
    -- Kainuu
    ('Kajaani'), ('Kuhmo'),
    -- Lappi
    ('Kemi'), ('Kemijärvi'), ('Rovaniemi'), ('Tornio'),
    -- Ahvenanmaa
    ('Maarianhamina');
