-- Issue 21: a comment on a change may answer another comment of the same change (the console's
-- thread with replies). The database itself keeps a reply to a comment of the same change: the
-- pair (id, change_id) is unique, and (parent_id, change_id) refers to it, so a reply can neither
-- name a comment that does not exist nor one of another change (and thus of another tenant); a
-- comment never answers itself. The service checks the same and answers 400 naming parentId; it
-- also caps the depth of a reply and the number of comments of a change (ChangeComments).
ALTER TABLE governance_comments ADD COLUMN parent_id uuid;
ALTER TABLE governance_comments
    ADD CONSTRAINT governance_comments_id_change UNIQUE (id, change_id);
ALTER TABLE governance_comments
    ADD CONSTRAINT governance_comments_parent_same_change
        FOREIGN KEY (parent_id, change_id) REFERENCES governance_comments (id, change_id);
ALTER TABLE governance_comments
    ADD CONSTRAINT governance_comments_parent_not_self CHECK (parent_id <> id);
CREATE INDEX governance_comments_parent ON governance_comments (parent_id) WHERE parent_id IS NOT NULL;
