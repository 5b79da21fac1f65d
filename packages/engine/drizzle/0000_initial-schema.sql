CREATE TABLE `changes` (
	`seq` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`collection` text NOT NULL,
	`op` text NOT NULL,
	`key` integer NOT NULL,
	`id` text NOT NULL,
	`at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `changes_collection_seq` ON `changes` (`collection`,`seq`);--> statement-breakpoint
CREATE TABLE `collections` (
	`name` text PRIMARY KEY NOT NULL,
	`config` text NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `meta` (
	`key` text PRIMARY KEY NOT NULL,
	`value` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `vectors` (
	`collection` text NOT NULL,
	`key` integer NOT NULL,
	`id` text NOT NULL,
	`vector` blob NOT NULL,
	`metadata` text,
	`expires_at` integer,
	PRIMARY KEY(`collection`, `key`)
);
--> statement-breakpoint
CREATE UNIQUE INDEX `vectors_collection_id` ON `vectors` (`collection`,`id`);--> statement-breakpoint
CREATE INDEX `vectors_expires_at` ON `vectors` (`expires_at`);