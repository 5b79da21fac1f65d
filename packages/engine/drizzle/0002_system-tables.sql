CREATE TABLE `system_log` (
	`seq` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`log` text NOT NULL,
	`at` integer NOT NULL,
	`entry` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `system_log_log_seq` ON `system_log` (`log`,`seq`);--> statement-breakpoint
CREATE INDEX `system_log_log_at` ON `system_log` (`log`,`at`);--> statement-breakpoint
CREATE TABLE `system_records` (
	`namespace` text NOT NULL,
	`key` text NOT NULL,
	`value` text NOT NULL,
	`updated_at` integer NOT NULL,
	PRIMARY KEY(`namespace`, `key`)
);
