-- A user's interface preferences: the language the console speaks to them
-- (en, zh-CN, ja) and their time zone (an IANA name). NULL means "not
-- chosen": Accept-Language and ROOMDESK_TIMEZONE decide.
ALTER TABLE users ADD COLUMN language TEXT;
ALTER TABLE users ADD COLUMN timezone TEXT;
