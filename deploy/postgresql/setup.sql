-- Tikar district database: run once as the postgres superuser (sudo -u postgres psql -f setup.sql).
-- The record workers own the schema (they run the migrations); the dashboard may only read.
CREATE ROLE tikar_record LOGIN;
CREATE ROLE tikar_dashboard LOGIN;
CREATE DATABASE tikar OWNER tikar_record ENCODING 'UTF8' TEMPLATE template0;
\connect tikar
ALTER DEFAULT PRIVILEGES FOR ROLE tikar_record IN SCHEMA public GRANT SELECT ON TABLES TO tikar_dashboard;
GRANT USAGE ON SCHEMA public TO tikar_dashboard;
ALTER ROLE tikar_dashboard SET default_transaction_read_only = on;
