-- Format 2 keeps the value of every change in `change_values` (docs/adr/0022). Changes made
-- before this migration have none: the value log starts above the highest seq handed out so far.
INSERT INTO `meta` (`key`, `value`) VALUES ('change_values_from', CAST(max(
  coalesce((SELECT `seq` FROM `sqlite_sequence` WHERE `name` = 'changes'), 0),
  coalesce((SELECT max(`seq`) FROM `changes`), 0)) AS TEXT));
--> statement-breakpoint
UPDATE `meta` SET `value` = '2' WHERE `key` = 'format_version';
