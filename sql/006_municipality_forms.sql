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
-- demo. `name_fi_genitive` NULL: the store reads the genitive of the 309
-- municipalities of 2021-2025 below, and a municipality in neither has
-- none: the documents then use a form that needs none. A register's
-- `kunta_fi_genetiivi` column sets it.
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

-- The Finnish genitive of the 309 municipalities of 2021-2025, as their
-- own names for themselves use it ("Kontiolahden kunta", "Virtain
-- kaupunki", "Isonkyrön kunta").
CREATE TABLE municipality_genitive (
    name_fi TEXT PRIMARY KEY,
    genitive TEXT NOT NULL CHECK (genitive <> '')
) STRICT, WITHOUT ROWID;
INSERT INTO municipality_genitive (name_fi, genitive) VALUES
    ('Askola', 'Askolan'), ('Espoo', 'Espoon'), ('Hanko', 'Hangon'), ('Helsinki', 'Helsingin'),
    ('Vantaa', 'Vantaan'), ('Hyvinkää', 'Hyvinkään'), ('Inkoo', 'Inkoon'),
    ('Järvenpää', 'Järvenpään'), ('Karkkila', 'Karkkilan'), ('Kauniainen', 'Kauniaisten'),
    ('Kerava', 'Keravan'), ('Kirkkonummi', 'Kirkkonummen'), ('Lapinjärvi', 'Lapinjärven'),
    ('Loviisa', 'Loviisan'), ('Lohja', 'Lohjan'), ('Myrskylä', 'Myrskylän'),
    ('Mäntsälä', 'Mäntsälän'), ('Nurmijärvi', 'Nurmijärven'), ('Pornainen', 'Pornaisten'),
    ('Pukkila', 'Pukkilan'), ('Porvoo', 'Porvoon'), ('Raasepori', 'Raaseporin'),
    ('Sipoo', 'Sipoon'), ('Siuntio', 'Siuntion'), ('Tuusula', 'Tuusulan'), ('Vihti', 'Vihdin'),
    ('Aura', 'Auran'), ('Kaarina', 'Kaarinan'), ('Koski Tl', 'Kosken Tl'), ('Kustavi', 'Kustavin'),
    ('Kemiönsaari', 'Kemiönsaaren'), ('Laitila', 'Laitilan'), ('Lieto', 'Liedon'),
    ('Loimaa', 'Loimaan'), ('Parainen', 'Paraisten'), ('Marttila', 'Marttilan'),
    ('Masku', 'Maskun'), ('Mynämäki', 'Mynämäen'), ('Naantali', 'Naantalin'),
    ('Nousiainen', 'Nousiaisten'), ('Oripää', 'Oripään'), ('Paimio', 'Paimion'),
    ('Pyhäranta', 'Pyhärannan'), ('Pöytyä', 'Pöytyän'), ('Raisio', 'Raision'), ('Rusko', 'Ruskon'),
    ('Salo', 'Salon'), ('Sauvo', 'Sauvon'), ('Somero', 'Someron'), ('Taivassalo', 'Taivassalon'),
    ('Turku', 'Turun'), ('Uusikaupunki', 'Uudenkaupungin'), ('Vehmaa', 'Vehmaan'),
    ('Eura', 'Euran'), ('Eurajoki', 'Eurajoen'), ('Harjavalta', 'Harjavallan'),
    ('Huittinen', 'Huittisten'), ('Jämijärvi', 'Jämijärven'), ('Kankaanpää', 'Kankaanpään'),
    ('Karvia', 'Karvian'), ('Kokemäki', 'Kokemäen'), ('Merikarvia', 'Merikarvian'),
    ('Nakkila', 'Nakkilan'), ('Pomarkku', 'Pomarkun'), ('Pori', 'Porin'), ('Rauma', 'Rauman'),
    ('Siikainen', 'Siikaisten'), ('Säkylä', 'Säkylän'), ('Ulvila', 'Ulvilan'),
    ('Forssa', 'Forssan'), ('Hattula', 'Hattulan'), ('Hausjärvi', 'Hausjärven'),
    ('Humppila', 'Humppilan'), ('Hämeenlinna', 'Hämeenlinnan'), ('Janakkala', 'Janakkalan'),
    ('Jokioinen', 'Jokioisten'), ('Loppi', 'Lopen'), ('Riihimäki', 'Riihimäen'),
    ('Tammela', 'Tammelan'), ('Ypäjä', 'Ypäjän'), ('Akaa', 'Akaan'), ('Hämeenkyrö', 'Hämeenkyrön'),
    ('Ikaalinen', 'Ikaalisten'), ('Juupajoki', 'Juupajoen'), ('Kangasala', 'Kangasalan'),
    ('Kihniö', 'Kihniön'), ('Lempäälä', 'Lempäälän'), ('Mänttä-Vilppula', 'Mänttä-Vilppulan'),
    ('Nokia', 'Nokian'), ('Orivesi', 'Oriveden'), ('Parkano', 'Parkanon'),
    ('Pirkkala', 'Pirkkalan'), ('Punkalaidun', 'Punkalaitumen'), ('Pälkäne', 'Pälkäneen'),
    ('Ruovesi', 'Ruoveden'), ('Sastamala', 'Sastamalan'), ('Tampere', 'Tampereen'),
    ('Urjala', 'Urjalan'), ('Valkeakoski', 'Valkeakosken'), ('Vesilahti', 'Vesilahden'),
    ('Virrat', 'Virtain'), ('Ylöjärvi', 'Ylöjärven'), ('Asikkala', 'Asikkalan'),
    ('Hartola', 'Hartolan'), ('Hollola', 'Hollolan'), ('Heinola', 'Heinolan'),
    ('Kärkölä', 'Kärkölän'), ('Lahti', 'Lahden'), ('Orimattila', 'Orimattilan'),
    ('Padasjoki', 'Padasjoen'), ('Sysmä', 'Sysmän'), ('Hamina', 'Haminan'), ('Iitti', 'Iitin'),
    ('Kotka', 'Kotkan'), ('Kouvola', 'Kouvolan'), ('Miehikkälä', 'Miehikkälän'),
    ('Pyhtää', 'Pyhtään'), ('Virolahti', 'Virolahden'), ('Imatra', 'Imatran'),
    ('Lappeenranta', 'Lappeenrannan'), ('Lemi', 'Lemin'), ('Luumäki', 'Luumäen'),
    ('Parikkala', 'Parikkalan'), ('Rautjärvi', 'Rautjärven'), ('Ruokolahti', 'Ruokolahden'),
    ('Savitaipale', 'Savitaipaleen'), ('Taipalsaari', 'Taipalsaaren'), ('Enonkoski', 'Enonkosken'),
    ('Hirvensalmi', 'Hirvensalmen'), ('Joroinen', 'Joroisten'), ('Juva', 'Juvan'),
    ('Kangasniemi', 'Kangasniemen'), ('Mikkeli', 'Mikkelin'), ('Mäntyharju', 'Mäntyharjun'),
    ('Pertunmaa', 'Pertunmaan'), ('Pieksämäki', 'Pieksämäen'), ('Puumala', 'Puumalan'),
    ('Rantasalmi', 'Rantasalmen'), ('Savonlinna', 'Savonlinnan'), ('Sulkava', 'Sulkavan'),
    ('Iisalmi', 'Iisalmen'), ('Kaavi', 'Kaavin'), ('Keitele', 'Keiteleen'),
    ('Kiuruvesi', 'Kiuruveden'), ('Kuopio', 'Kuopion'), ('Lapinlahti', 'Lapinlahden'),
    ('Leppävirta', 'Leppävirran'), ('Pielavesi', 'Pielaveden'), ('Rautalampi', 'Rautalammin'),
    ('Rautavaara', 'Rautavaaran'), ('Siilinjärvi', 'Siilinjärven'), ('Sonkajärvi', 'Sonkajärven'),
    ('Suonenjoki', 'Suonenjoen'), ('Tervo', 'Tervon'), ('Tuusniemi', 'Tuusniemen'),
    ('Varkaus', 'Varkauden'), ('Vesanto', 'Vesannon'), ('Vieremä', 'Vieremän'),
    ('Heinävesi', 'Heinäveden'), ('Ilomantsi', 'Ilomantsin'), ('Joensuu', 'Joensuun'),
    ('Juuka', 'Juuan'), ('Kitee', 'Kiteen'), ('Kontiolahti', 'Kontiolahden'),
    ('Outokumpu', 'Outokummun'), ('Lieksa', 'Lieksan'), ('Liperi', 'Liperin'),
    ('Nurmes', 'Nurmeksen'), ('Polvijärvi', 'Polvijärven'), ('Rääkkylä', 'Rääkkylän'),
    ('Tohmajärvi', 'Tohmajärven'), ('Hankasalmi', 'Hankasalmen'), ('Joutsa', 'Joutsan'),
    ('Jyväskylä', 'Jyväskylän'), ('Jämsä', 'Jämsän'), ('Kannonkoski', 'Kannonkosken'),
    ('Karstula', 'Karstulan'), ('Keuruu', 'Keuruun'), ('Kinnula', 'Kinnulan'),
    ('Kivijärvi', 'Kivijärven'), ('Konnevesi', 'Konneveden'), ('Kuhmoinen', 'Kuhmoisten'),
    ('Kyyjärvi', 'Kyyjärven'), ('Laukaa', 'Laukaan'), ('Luhanka', 'Luhangan'),
    ('Multia', 'Multian'), ('Muurame', 'Muuramen'), ('Petäjävesi', 'Petäjäveden'),
    ('Pihtipudas', 'Pihtiputaan'), ('Saarijärvi', 'Saarijärven'), ('Toivakka', 'Toivakan'),
    ('Uurainen', 'Uuraisten'), ('Viitasaari', 'Viitasaaren'), ('Äänekoski', 'Äänekosken'),
    ('Alajärvi', 'Alajärven'), ('Alavus', 'Alavuden'), ('Evijärvi', 'Evijärven'),
    ('Ilmajoki', 'Ilmajoen'), ('Isojoki', 'Isojoen'), ('Karijoki', 'Karijoen'),
    ('Kauhajoki', 'Kauhajoen'), ('Kauhava', 'Kauhavan'), ('Kuortane', 'Kuortaneen'),
    ('Kurikka', 'Kurikan'), ('Lappajärvi', 'Lappajärven'), ('Lapua', 'Lapuan'),
    ('Seinäjoki', 'Seinäjoen'), ('Soini', 'Soinin'), ('Teuva', 'Teuvan'), ('Vimpeli', 'Vimpelin'),
    ('Ähtäri', 'Ähtärin'), ('Isokyrö', 'Isonkyrön'), ('Kaskinen', 'Kaskisten'),
    ('Korsnäs', 'Korsnäsin'), ('Kristiinankaupunki', 'Kristiinankaupungin'),
    ('Kruunupyy', 'Kruunupyyn'), ('Laihia', 'Laihian'), ('Luoto', 'Luodon'),
    ('Maalahti', 'Maalahden'), ('Mustasaari', 'Mustasaaren'), ('Närpiö', 'Närpiön'),
    ('Pietarsaari', 'Pietarsaaren'), ('Pedersören kunta', 'Pedersören kunnan'),
    ('Uusikaarlepyy', 'Uudenkaarlepyyn'), ('Vaasa', 'Vaasan'), ('Vöyri', 'Vöyrin'),
    ('Halsua', 'Halsuan'), ('Kannus', 'Kannuksen'), ('Kaustinen', 'Kaustisen'),
    ('Kokkola', 'Kokkolan'), ('Lestijärvi', 'Lestijärven'), ('Perho', 'Perhon'),
    ('Toholampi', 'Toholammin'), ('Veteli', 'Vetelin'), ('Alavieska', 'Alavieskan'),
    ('Haapajärvi', 'Haapajärven'), ('Haapavesi', 'Haapaveden'), ('Hailuoto', 'Hailuodon'),
    ('Ii', 'Iin'), ('Kalajoki', 'Kalajoen'), ('Kempele', 'Kempeleen'), ('Kuusamo', 'Kuusamon'),
    ('Kärsämäki', 'Kärsämäen'), ('Liminka', 'Limingan'), ('Lumijoki', 'Lumijoen'),
    ('Merijärvi', 'Merijärven'), ('Muhos', 'Muhoksen'), ('Nivala', 'Nivalan'),
    ('Oulainen', 'Oulaisten'), ('Oulu', 'Oulun'), ('Pudasjärvi', 'Pudasjärven'),
    ('Pyhäjoki', 'Pyhäjoen'), ('Pyhäjärvi', 'Pyhäjärven'), ('Pyhäntä', 'Pyhännän'),
    ('Raahe', 'Raahen'), ('Reisjärvi', 'Reisjärven'), ('Sievi', 'Sievin'),
    ('Siikajoki', 'Siikajoen'), ('Vaala', 'Vaalan'), ('Siikalatva', 'Siikalatvan'),
    ('Taivalkoski', 'Taivalkosken'), ('Tyrnävä', 'Tyrnävän'), ('Utajärvi', 'Utajärven'),
    ('Ylivieska', 'Ylivieskan'), ('Hyrynsalmi', 'Hyrynsalmen'), ('Kajaani', 'Kajaanin'),
    ('Kuhmo', 'Kuhmon'), ('Paltamo', 'Paltamon'), ('Puolanka', 'Puolangan'),
    ('Ristijärvi', 'Ristijärven'), ('Sotkamo', 'Sotkamon'), ('Suomussalmi', 'Suomussalmen'),
    ('Enontekiö', 'Enontekiön'), ('Inari', 'Inarin'), ('Kemi', 'Kemin'), ('Keminmaa', 'Keminmaan'),
    ('Kittilä', 'Kittilän'), ('Kolari', 'Kolarin'), ('Kemijärvi', 'Kemijärven'),
    ('Muonio', 'Muonion'), ('Pelkosenniemi', 'Pelkosenniemen'), ('Posio', 'Posion'),
    ('Ranua', 'Ranuan'), ('Rovaniemi', 'Rovaniemen'), ('Salla', 'Sallan'),
    ('Savukoski', 'Savukosken'), ('Simo', 'Simon'), ('Sodankylä', 'Sodankylän'),
    ('Tervola', 'Tervolan'), ('Tornio', 'Tornion'), ('Pello', 'Pellon'), ('Utsjoki', 'Utsjoen'),
    ('Ylitornio', 'Ylitornion'), ('Brändö', 'Brändön'), ('Eckerö', 'Eckerön'),
    ('Finström', 'Finströmin'), ('Föglö', 'Föglön'), ('Geta', 'Getan'),
    ('Hammarland', 'Hammarlandin'), ('Jomala', 'Jomalan'), ('Kumlinge', 'Kumlingen'),
    ('Kökar', 'Kökarin'), ('Lemland', 'Lemlandin'), ('Lumparland', 'Lumparlandin'),
    ('Maarianhamina', 'Maarianhaminan'), ('Saltvik', 'Saltvikin'), ('Sottunga', 'Sottungan'),
    ('Sund', 'Sundin'), ('Vårdö', 'Vårdön');
