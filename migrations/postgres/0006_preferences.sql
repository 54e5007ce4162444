-- Personal preferences as JumpServer keeps them: a category (lina, luna,
-- koko), a name and a JSON value. The file encryption password is sealed.
CREATE TABLE user_preferences (
    user_id  UUID NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    category TEXT NOT NULL,
    name     TEXT NOT NULL,
    value    TEXT NOT NULL,
    PRIMARY KEY (user_id, category, name)
);
