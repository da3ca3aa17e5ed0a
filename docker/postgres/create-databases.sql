-- One database per service, as with SQLite: the services share the server, never a table.
-- Run once, by the postgres image, when its data volume is new.
CREATE DATABASE product;
CREATE DATABASE payment;
CREATE DATABASE "order";
