CREATE TABLE `change_values` (
	`seq` integer PRIMARY KEY NOT NULL,
	`vector` blob,
	`metadata` text,
	`expires_at` integer
);
