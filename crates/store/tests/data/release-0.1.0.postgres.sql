--
-- PostgreSQL database dump
--


-- Dumped from database version 15.18 (Debian 15.18-0+deb12u1)
-- Dumped by pg_dump version 15.18 (Debian 15.18-0+deb12u1)

SET statement_timeout = 0;
SET lock_timeout = 0;
SET idle_in_transaction_session_timeout = 0;
SET client_encoding = 'UTF8';
SET standard_conforming_strings = on;
SET check_function_bodies = false;
SET xmloption = content;
SET client_min_messages = warning;
SET row_security = off;

--
-- Name: public; Type: SCHEMA; Schema: -; Owner: -
--



--
-- Name: SCHEMA public; Type: COMMENT; Schema: -; Owner: -
--



SET default_tablespace = '';

SET default_table_access_method = heap;

--
-- Name: accounts; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE __SCHEMA__.accounts (
    account text NOT NULL,
    doc text NOT NULL
);


--
-- Name: connection_active_types; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE __SCHEMA__.connection_active_types (
    catalog text NOT NULL,
    account_lo text NOT NULL,
    account_hi text NOT NULL,
    connection_type text NOT NULL,
    connection_id text NOT NULL
);


--
-- Name: connection_invitations; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE __SCHEMA__.connection_invitations (
    catalog text NOT NULL,
    id text NOT NULL,
    sender text NOT NULL,
    receiver text NOT NULL,
    pair_lo text NOT NULL,
    pair_hi text NOT NULL,
    connection_type text NOT NULL,
    status text NOT NULL,
    created_at bigint NOT NULL,
    expires_at bigint NOT NULL,
    doc text NOT NULL
);


--
-- Name: connection_preferences; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE __SCHEMA__.connection_preferences (
    catalog text NOT NULL,
    account text NOT NULL,
    doc text NOT NULL
);


--
-- Name: connections; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE __SCHEMA__.connections (
    catalog text NOT NULL,
    id text NOT NULL,
    account_lo text NOT NULL,
    account_hi text NOT NULL,
    created_at bigint NOT NULL,
    live bigint NOT NULL,
    doc text NOT NULL
);


--
-- Name: credentials; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE __SCHEMA__.credentials (
    access_key_id text NOT NULL,
    doc text NOT NULL
);


--
-- Name: email_codes; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE __SCHEMA__.email_codes (
    catalog text NOT NULL,
    address text NOT NULL,
    doc text NOT NULL
);


--
-- Name: events; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE __SCHEMA__.events (
    seq bigint NOT NULL,
    account text NOT NULL,
    catalog text NOT NULL,
    detail_type text NOT NULL,
    "time" bigint NOT NULL,
    unique_key text,
    doc text NOT NULL,
    attempts bigint DEFAULT 0 NOT NULL,
    next_attempt_at bigint,
    delivered_at bigint,
    last_error text
);


--
-- Name: events_seq_seq; Type: SEQUENCE; Schema: public; Owner: -
--

ALTER TABLE __SCHEMA__.events ALTER COLUMN seq ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME __SCHEMA__.events_seq_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);


--
-- Name: idempotency; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE __SCHEMA__.idempotency (
    account text NOT NULL,
    operation text NOT NULL,
    token text NOT NULL,
    doc text NOT NULL
);


--
-- Name: outbox; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE __SCHEMA__.outbox (
    id bigint NOT NULL,
    address_key text NOT NULL,
    doc text NOT NULL
);


--
-- Name: outbox_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

ALTER TABLE __SCHEMA__.outbox ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME __SCHEMA__.outbox_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);


--
-- Name: partner_domains; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE __SCHEMA__.partner_domains (
    catalog text NOT NULL,
    domain text NOT NULL,
    partner_id text NOT NULL
);


--
-- Name: partners; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE __SCHEMA__.partners (
    catalog text NOT NULL,
    id text NOT NULL,
    account text NOT NULL,
    legal_name_key text NOT NULL,
    profile_id text NOT NULL,
    doc text NOT NULL
);


--
-- Name: profile_tasks; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE __SCHEMA__.profile_tasks (
    seq bigint NOT NULL,
    partner_id text NOT NULL,
    task_id text NOT NULL,
    doc text NOT NULL
);


--
-- Name: profile_tasks_seq_seq; Type: SEQUENCE; Schema: public; Owner: -
--

ALTER TABLE __SCHEMA__.profile_tasks ALTER COLUMN seq ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME __SCHEMA__.profile_tasks_seq_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);


--
-- Name: qualifications_associations; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE __SCHEMA__.qualifications_associations (
    seq bigint NOT NULL,
    catalog text NOT NULL,
    subsidiary_account text NOT NULL,
    primary_account text NOT NULL,
    doc text NOT NULL
);


--
-- Name: qualifications_associations_seq_seq; Type: SEQUENCE; Schema: public; Owner: -
--

ALTER TABLE __SCHEMA__.qualifications_associations ALTER COLUMN seq ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME __SCHEMA__.qualifications_associations_seq_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);


--
-- Name: qualifications_groups; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE __SCHEMA__.qualifications_groups (
    catalog text NOT NULL,
    primary_account text NOT NULL,
    doc text NOT NULL
);


--
-- Name: qualifications_tasks; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE __SCHEMA__.qualifications_tasks (
    seq bigint NOT NULL,
    catalog text NOT NULL,
    task_id text NOT NULL,
    kind text NOT NULL,
    owner_partner_id text NOT NULL,
    open bigint NOT NULL,
    doc text NOT NULL
);


--
-- Name: qualifications_tasks_seq_seq; Type: SEQUENCE; Schema: public; Owner: -
--

ALTER TABLE __SCHEMA__.qualifications_tasks ALTER COLUMN seq ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME __SCHEMA__.qualifications_tasks_seq_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);


--
-- Name: schema_migrations; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE __SCHEMA__.schema_migrations (
    version bigint NOT NULL
);


--
-- Name: service_state; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE __SCHEMA__.service_state (
    id bigint NOT NULL,
    doc text NOT NULL,
    CONSTRAINT service_state_id_check CHECK ((id = 1))
);


--
-- Name: usage; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE __SCHEMA__.usage (
    catalog text NOT NULL,
    kind text NOT NULL,
    scope text NOT NULL,
    at bigint NOT NULL
);


--
-- Name: verifications; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE __SCHEMA__.verifications (
    account text NOT NULL,
    verification_type text NOT NULL,
    completion_token text,
    doc text NOT NULL
);


--
-- Data for Name: accounts; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO __SCHEMA__.accounts VALUES ('333333333333', '{"account":"333333333333","display_name":"Gamma Holdings","seller_profile":{"id":"seller-gamma","name":"Gamma Seller"}}');


--
-- Data for Name: connection_active_types; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO __SCHEMA__.connection_active_types VALUES ('Sandbox', '111111111111', '222222222222', 'OPPORTUNITY_COLLABORATION', 'pac-o7h7hfpx2zgp7');
INSERT INTO __SCHEMA__.connection_active_types VALUES ('Sandbox', '111111111111', '222222222222', 'SUBSIDIARY', 'pac-o7h7hfpx2zgp7');


--
-- Data for Name: connection_invitations; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO __SCHEMA__.connection_invitations VALUES ('Sandbox', 'pacinv-vjweaxu3v4wbg', '111111111111', '222222222222', '111111111111', '222222222222', 'OPPORTUNITY_COLLABORATION', 'ACCEPTED', 1795925474316, 1798517474316, '{"catalog":"Sandbox","id":"pacinv-vjweaxu3v4wbg","sender_account":"111111111111","sender_profile_id":"pprofile-zwapiubq2x3vs","receiver_account":"222222222222","receiver_identifier":"pprofile-ldk4yhfobdm4t","connection_type":"OPPORTUNITY_COLLABORATION","message":"Let''s sell together","inviter_email":"alpha@alpha.example","inviter_name":"Alpha","created_at":1795925474316,"updated_at":1795925474323,"expires_at":1798517474316,"status":"ACCEPTED","connection_id":"pac-o7h7hfpx2zgp7","reject_reason":null}');
INSERT INTO __SCHEMA__.connection_invitations VALUES ('Sandbox', 'pacinv-u6ydmdueczzpx', '111111111111', '222222222222', '111111111111', '222222222222', 'SUBSIDIARY', 'ACCEPTED', 1795925474329, 1798517474329, '{"catalog":"Sandbox","id":"pacinv-u6ydmdueczzpx","sender_account":"111111111111","sender_profile_id":"pprofile-zwapiubq2x3vs","receiver_account":"222222222222","receiver_identifier":"222222222222","connection_type":"SUBSIDIARY","message":"Subsidiary","inviter_email":"alpha@alpha.example","inviter_name":"Alpha","created_at":1795925474329,"updated_at":1795925474335,"expires_at":1798517474329,"status":"ACCEPTED","connection_id":"pac-o7h7hfpx2zgp7","reject_reason":null}');
INSERT INTO __SCHEMA__.connection_invitations VALUES ('Sandbox', 'pacinv-caammpq466n3e', '111111111111', '333333333333', '111111111111', '333333333333', 'OPPORTUNITY_COLLABORATION', 'PENDING', 1795925474349, 1798517474349, '{"catalog":"Sandbox","id":"pacinv-caammpq466n3e","sender_account":"111111111111","sender_profile_id":"pprofile-zwapiubq2x3vs","receiver_account":"333333333333","receiver_identifier":"pprofile-7ytrnvts5wi6b","connection_type":"OPPORTUNITY_COLLABORATION","message":"Pending one","inviter_email":"alpha@alpha.example","inviter_name":"Alpha","created_at":1795925474349,"updated_at":1795925474349,"expires_at":1798517474349,"status":"PENDING","connection_id":null,"reject_reason":null}');
INSERT INTO __SCHEMA__.connection_invitations VALUES ('Sandbox', 'pacinv-ujm57yfosz52o', '333333333333', '222222222222', '222222222222', '333333333333', 'OPPORTUNITY_COLLABORATION', 'REJECTED', 1795925474355, 1798517474355, '{"catalog":"Sandbox","id":"pacinv-ujm57yfosz52o","sender_account":"333333333333","sender_profile_id":"pprofile-7ytrnvts5wi6b","receiver_account":"222222222222","receiver_identifier":"pprofile-ldk4yhfobdm4t","connection_type":"OPPORTUNITY_COLLABORATION","message":"Rejected one","inviter_email":"gamma@gamma.example","inviter_name":"Gamma","created_at":1795925474355,"updated_at":1795925474362,"expires_at":1798517474355,"status":"REJECTED","connection_id":null,"reject_reason":"not now"}');
INSERT INTO __SCHEMA__.connection_invitations VALUES ('Sandbox', 'pacinv-7kmbcu2e5jh3n', '222222222222', '333333333333', '222222222222', '333333333333', 'OPPORTUNITY_COLLABORATION', 'CANCELED', 1795925474365, 1798517474365, '{"catalog":"Sandbox","id":"pacinv-7kmbcu2e5jh3n","sender_account":"222222222222","sender_profile_id":"pprofile-ldk4yhfobdm4t","receiver_account":"333333333333","receiver_identifier":"pprofile-7ytrnvts5wi6b","connection_type":"OPPORTUNITY_COLLABORATION","message":"Cancelled one","inviter_email":"beta@beta.example","inviter_name":"Beta","created_at":1795925474365,"updated_at":1795925474371,"expires_at":1798517474365,"status":"CANCELED","connection_id":null,"reject_reason":null}');


--
-- Data for Name: connection_preferences; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO __SCHEMA__.connection_preferences VALUES ('Sandbox', '333333333333', '{"catalog":"Sandbox","account":"333333333333","access_type":"ALLOW_BY_DEFAULT_DENY_SOME","excluded":["444444444444"],"updated_at":1795925474313,"revision":1}');


--
-- Data for Name: connections; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO __SCHEMA__.connections VALUES ('Sandbox', 'pac-o7h7hfpx2zgp7', '111111111111', '222222222222', 1795925474323, 1, '{"catalog":"Sandbox","id":"pac-o7h7hfpx2zgp7","participants":["111111111111","222222222222"],"created_at":1795925474323,"updated_at":1795925474335,"types":{"OPPORTUNITY_COLLABORATION":{"created_at":1795925474323,"inviter_account":"111111111111","inviter_email":"alpha@alpha.example","inviter_name":"Alpha","status":"ACTIVE","canceled_at":null,"canceled_by":null,"cancel_reason":null},"SUBSIDIARY":{"created_at":1795925474335,"inviter_account":"111111111111","inviter_email":"alpha@alpha.example","inviter_name":"Alpha","status":"ACTIVE","canceled_at":null,"canceled_by":null,"cancel_reason":null}}}');


--
-- Data for Name: credentials; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO __SCHEMA__.credentials VALUES ('PCAK1M51FJSUYX0YLZB6', '{"access_key_id":"PCAK1M51FJSUYX0YLZB6","account":"111111111111","secret_encrypted":"FxOrhTKnoBjg6J7KWXzs+KcCX1vCwZPSL1Q8kozTdq4GjtutIdqGkY2bL/0tPNVU6c62E2Dv4zRp/qmsDR9I+/cJh/0=","created_at":1795925474382}');


--
-- Data for Name: email_codes; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO __SCHEMA__.email_codes VALUES ('AWS', 'alpha@alpha.example', '{"catalog":"AWS","address":"alpha@alpha.example","code":"270013","sent_at":1795925474375,"expires_at":1795927274375}');


--
-- Data for Name: events; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO __SCHEMA__.events OVERRIDING SYSTEM VALUE VALUES (1, '222222222222', 'Sandbox', 'Partner Connection Invitation Received', 1795925474316, NULL, '{"account":"222222222222","detail":{"catalog":"Sandbox","connectionInvitation":{"arn":"arn:aws:partnercentral:us-east-1::catalog/Sandbox/connection-invitation/pacinv-vjweaxu3v4wbg","connectionType":"OpportunityCollaboration","expiresAt":"2026-12-29T04:11:14Z","id":"pacinv-vjweaxu3v4wbg","invitationMessage":"Let''s sell together","inviterEmail":"alpha@alpha.example","receiverProfileId":"pprofile-ldk4yhfobdm4t","senderCompanyName":"Alpha Upgrade","senderProfileId":"pprofile-zwapiubq2x3vs"}},"detail-type":"Partner Connection Invitation Received","id":"8e2e869f-b613-4c2b-860c-173c808f3cf0","region":"us-east-1","resources":["arn:aws:partnercentral:us-east-1::catalog/Sandbox/connection-invitation/pacinv-vjweaxu3v4wbg"],"source":"aws.partnercentral-account","time":"2026-11-29T04:11:14Z","version":"0"}', 0, NULL, NULL, NULL);
INSERT INTO __SCHEMA__.events OVERRIDING SYSTEM VALUE VALUES (2, '111111111111', 'Sandbox', 'Partner Connection Invitation Accepted', 1795925474323, NULL, '{"account":"111111111111","detail":{"catalog":"Sandbox","connection":{"Participant1AccountId":"111111111111","Participant2AccountId":"222222222222","arn":"arn:aws:partnercentral:us-east-1::catalog/Sandbox/connection/pac-o7h7hfpx2zgp7","connectionType":"OpportunityCollaboration","id":"pac-o7h7hfpx2zgp7","status":"ACTIVE"},"connectionInvitation":{"arn":"arn:aws:partnercentral:us-east-1::catalog/Sandbox/connection-invitation/pacinv-vjweaxu3v4wbg","connectionType":"OpportunityCollaboration","expiresAt":"2026-12-29T04:11:14Z","id":"pacinv-vjweaxu3v4wbg","invitationMessage":"Let''s sell together","inviterEmail":"alpha@alpha.example","receiverProfileId":"pprofile-ldk4yhfobdm4t","senderCompanyName":"Alpha Upgrade","senderProfileId":"pprofile-zwapiubq2x3vs"}},"detail-type":"Partner Connection Invitation Accepted","id":"2866d058-ec98-421d-bec3-e223220aae4c","region":"us-east-1","resources":["arn:aws:partnercentral:us-east-1::catalog/Sandbox/connection-invitation/pacinv-vjweaxu3v4wbg"],"source":"aws.partnercentral-account","time":"2026-11-29T04:11:14Z","version":"0"}', 0, NULL, NULL, NULL);
INSERT INTO __SCHEMA__.events OVERRIDING SYSTEM VALUE VALUES (3, '222222222222', 'Sandbox', 'Partner Connection Invitation Accepted', 1795925474323, NULL, '{"account":"222222222222","detail":{"catalog":"Sandbox","connection":{"Participant1AccountId":"111111111111","Participant2AccountId":"222222222222","arn":"arn:aws:partnercentral:us-east-1::catalog/Sandbox/connection/pac-o7h7hfpx2zgp7","connectionType":"OpportunityCollaboration","id":"pac-o7h7hfpx2zgp7","status":"ACTIVE"},"connectionInvitation":{"arn":"arn:aws:partnercentral:us-east-1::catalog/Sandbox/connection-invitation/pacinv-vjweaxu3v4wbg","connectionType":"OpportunityCollaboration","expiresAt":"2026-12-29T04:11:14Z","id":"pacinv-vjweaxu3v4wbg","invitationMessage":"Let''s sell together","inviterEmail":"alpha@alpha.example","receiverProfileId":"pprofile-ldk4yhfobdm4t","senderCompanyName":"Alpha Upgrade","senderProfileId":"pprofile-zwapiubq2x3vs"}},"detail-type":"Partner Connection Invitation Accepted","id":"9680c6e3-caed-4d97-b0ac-29173e5728fe","region":"us-east-1","resources":["arn:aws:partnercentral:us-east-1::catalog/Sandbox/connection-invitation/pacinv-vjweaxu3v4wbg"],"source":"aws.partnercentral-account","time":"2026-11-29T04:11:14Z","version":"0"}', 0, NULL, NULL, NULL);
INSERT INTO __SCHEMA__.events OVERRIDING SYSTEM VALUE VALUES (4, '222222222222', 'Sandbox', 'Partner Connection Invitation Received', 1795925474329, NULL, '{"account":"222222222222","detail":{"catalog":"Sandbox","connectionInvitation":{"arn":"arn:aws:partnercentral:us-east-1::catalog/Sandbox/connection-invitation/pacinv-u6ydmdueczzpx","connectionType":"Subsidiary","expiresAt":"2026-12-29T04:11:14Z","id":"pacinv-u6ydmdueczzpx","invitationMessage":"Subsidiary","inviterEmail":"alpha@alpha.example","receiverProfileId":"pprofile-ldk4yhfobdm4t","senderCompanyName":"Alpha Upgrade","senderProfileId":"pprofile-zwapiubq2x3vs"}},"detail-type":"Partner Connection Invitation Received","id":"d7e2ae9a-5ec0-42e4-96d0-94d26f700f2b","region":"us-east-1","resources":["arn:aws:partnercentral:us-east-1::catalog/Sandbox/connection-invitation/pacinv-u6ydmdueczzpx"],"source":"aws.partnercentral-account","time":"2026-11-29T04:11:14Z","version":"0"}', 0, NULL, NULL, NULL);
INSERT INTO __SCHEMA__.events OVERRIDING SYSTEM VALUE VALUES (5, '111111111111', 'Sandbox', 'Partner Connection Invitation Accepted', 1795925474335, NULL, '{"account":"111111111111","detail":{"catalog":"Sandbox","connection":{"Participant1AccountId":"111111111111","Participant2AccountId":"222222222222","arn":"arn:aws:partnercentral:us-east-1::catalog/Sandbox/connection/pac-o7h7hfpx2zgp7","connectionType":"Subsidiary","id":"pac-o7h7hfpx2zgp7","status":"ACTIVE"},"connectionInvitation":{"arn":"arn:aws:partnercentral:us-east-1::catalog/Sandbox/connection-invitation/pacinv-u6ydmdueczzpx","connectionType":"Subsidiary","expiresAt":"2026-12-29T04:11:14Z","id":"pacinv-u6ydmdueczzpx","invitationMessage":"Subsidiary","inviterEmail":"alpha@alpha.example","receiverProfileId":"pprofile-ldk4yhfobdm4t","senderCompanyName":"Alpha Upgrade","senderProfileId":"pprofile-zwapiubq2x3vs"}},"detail-type":"Partner Connection Invitation Accepted","id":"4f732168-fcc9-4f12-b097-1118727058b4","region":"us-east-1","resources":["arn:aws:partnercentral:us-east-1::catalog/Sandbox/connection-invitation/pacinv-u6ydmdueczzpx"],"source":"aws.partnercentral-account","time":"2026-11-29T04:11:14Z","version":"0"}', 0, NULL, NULL, NULL);
INSERT INTO __SCHEMA__.events OVERRIDING SYSTEM VALUE VALUES (6, '222222222222', 'Sandbox', 'Partner Connection Invitation Accepted', 1795925474335, NULL, '{"account":"222222222222","detail":{"catalog":"Sandbox","connection":{"Participant1AccountId":"111111111111","Participant2AccountId":"222222222222","arn":"arn:aws:partnercentral:us-east-1::catalog/Sandbox/connection/pac-o7h7hfpx2zgp7","connectionType":"Subsidiary","id":"pac-o7h7hfpx2zgp7","status":"ACTIVE"},"connectionInvitation":{"arn":"arn:aws:partnercentral:us-east-1::catalog/Sandbox/connection-invitation/pacinv-u6ydmdueczzpx","connectionType":"Subsidiary","expiresAt":"2026-12-29T04:11:14Z","id":"pacinv-u6ydmdueczzpx","invitationMessage":"Subsidiary","inviterEmail":"alpha@alpha.example","receiverProfileId":"pprofile-ldk4yhfobdm4t","senderCompanyName":"Alpha Upgrade","senderProfileId":"pprofile-zwapiubq2x3vs"}},"detail-type":"Partner Connection Invitation Accepted","id":"f7275424-67b2-44c2-a8eb-aefc24ed3e2d","region":"us-east-1","resources":["arn:aws:partnercentral:us-east-1::catalog/Sandbox/connection-invitation/pacinv-u6ydmdueczzpx"],"source":"aws.partnercentral-account","time":"2026-11-29T04:11:14Z","version":"0"}', 0, NULL, NULL, NULL);
INSERT INTO __SCHEMA__.events OVERRIDING SYSTEM VALUE VALUES (7, '333333333333', 'Sandbox', 'Partner Connection Invitation Received', 1795925474349, NULL, '{"account":"333333333333","detail":{"catalog":"Sandbox","connectionInvitation":{"arn":"arn:aws:partnercentral:us-east-1::catalog/Sandbox/connection-invitation/pacinv-caammpq466n3e","connectionType":"OpportunityCollaboration","expiresAt":"2026-12-29T04:11:14Z","id":"pacinv-caammpq466n3e","invitationMessage":"Pending one","inviterEmail":"alpha@alpha.example","receiverProfileId":"pprofile-7ytrnvts5wi6b","senderCompanyName":"Alpha Upgrade","senderProfileId":"pprofile-zwapiubq2x3vs"}},"detail-type":"Partner Connection Invitation Received","id":"233af9f6-afd9-4081-8e36-42fb36432479","region":"us-east-1","resources":["arn:aws:partnercentral:us-east-1::catalog/Sandbox/connection-invitation/pacinv-caammpq466n3e"],"source":"aws.partnercentral-account","time":"2026-11-29T04:11:14Z","version":"0"}', 0, NULL, NULL, NULL);
INSERT INTO __SCHEMA__.events OVERRIDING SYSTEM VALUE VALUES (8, '222222222222', 'Sandbox', 'Partner Connection Invitation Received', 1795925474355, NULL, '{"account":"222222222222","detail":{"catalog":"Sandbox","connectionInvitation":{"arn":"arn:aws:partnercentral:us-east-1::catalog/Sandbox/connection-invitation/pacinv-ujm57yfosz52o","connectionType":"OpportunityCollaboration","expiresAt":"2026-12-29T04:11:14Z","id":"pacinv-ujm57yfosz52o","invitationMessage":"Rejected one","inviterEmail":"gamma@gamma.example","receiverProfileId":"pprofile-ldk4yhfobdm4t","senderCompanyName":"Gamma Upgrade","senderProfileId":"pprofile-7ytrnvts5wi6b"}},"detail-type":"Partner Connection Invitation Received","id":"01ebdc8c-efbd-49ae-867b-1cf532fcb7e8","region":"us-east-1","resources":["arn:aws:partnercentral:us-east-1::catalog/Sandbox/connection-invitation/pacinv-ujm57yfosz52o"],"source":"aws.partnercentral-account","time":"2026-11-29T04:11:14Z","version":"0"}', 0, NULL, NULL, NULL);
INSERT INTO __SCHEMA__.events OVERRIDING SYSTEM VALUE VALUES (9, '333333333333', 'Sandbox', 'Partner Connection Invitation Rejected', 1795925474362, NULL, '{"account":"333333333333","detail":{"catalog":"Sandbox","connectionInvitation":{"arn":"arn:aws:partnercentral:us-east-1::catalog/Sandbox/connection-invitation/pacinv-ujm57yfosz52o","connectionType":"OpportunityCollaboration","expiresAt":"2026-12-29T04:11:14Z","id":"pacinv-ujm57yfosz52o","invitationMessage":"Rejected one","inviterEmail":"gamma@gamma.example","receiverProfileId":"pprofile-ldk4yhfobdm4t","senderCompanyName":"Gamma Upgrade","senderProfileId":"pprofile-7ytrnvts5wi6b"}},"detail-type":"Partner Connection Invitation Rejected","id":"775a869c-05d8-4723-8ced-44cf2f08b283","region":"us-east-1","resources":["arn:aws:partnercentral:us-east-1::catalog/Sandbox/connection-invitation/pacinv-ujm57yfosz52o"],"source":"aws.partnercentral-account","time":"2026-11-29T04:11:14Z","version":"0"}', 0, NULL, NULL, NULL);
INSERT INTO __SCHEMA__.events OVERRIDING SYSTEM VALUE VALUES (10, '333333333333', 'Sandbox', 'Partner Connection Invitation Received', 1795925474365, NULL, '{"account":"333333333333","detail":{"catalog":"Sandbox","connectionInvitation":{"arn":"arn:aws:partnercentral:us-east-1::catalog/Sandbox/connection-invitation/pacinv-7kmbcu2e5jh3n","connectionType":"OpportunityCollaboration","expiresAt":"2026-12-29T04:11:14Z","id":"pacinv-7kmbcu2e5jh3n","invitationMessage":"Cancelled one","inviterEmail":"beta@beta.example","receiverProfileId":"pprofile-7ytrnvts5wi6b","senderCompanyName":"Beta Upgrade","senderProfileId":"pprofile-ldk4yhfobdm4t"}},"detail-type":"Partner Connection Invitation Received","id":"88381072-8849-4545-baf1-68865a9fe962","region":"us-east-1","resources":["arn:aws:partnercentral:us-east-1::catalog/Sandbox/connection-invitation/pacinv-7kmbcu2e5jh3n"],"source":"aws.partnercentral-account","time":"2026-11-29T04:11:14Z","version":"0"}', 0, NULL, NULL, NULL);
INSERT INTO __SCHEMA__.events OVERRIDING SYSTEM VALUE VALUES (11, '333333333333', 'Sandbox', 'Partner Connection Invitation Cancelled', 1795925474371, NULL, '{"account":"333333333333","detail":{"catalog":"Sandbox","connectionInvitation":{"arn":"arn:aws:partnercentral:us-east-1::catalog/Sandbox/connection-invitation/pacinv-7kmbcu2e5jh3n","connectionType":"OpportunityCollaboration","expiresAt":"2026-12-29T04:11:14Z","id":"pacinv-7kmbcu2e5jh3n","invitationMessage":"Cancelled one","inviterEmail":"beta@beta.example","receiverProfileId":"pprofile-7ytrnvts5wi6b","senderCompanyName":"Beta Upgrade","senderProfileId":"pprofile-ldk4yhfobdm4t"}},"detail-type":"Partner Connection Invitation Cancelled","id":"b043f785-6eda-43e6-9bc3-30d1e5feccf2","region":"us-east-1","resources":["arn:aws:partnercentral:us-east-1::catalog/Sandbox/connection-invitation/pacinv-7kmbcu2e5jh3n"],"source":"aws.partnercentral-account","time":"2026-11-29T04:11:14Z","version":"0"}', 0, NULL, NULL, NULL);


--
-- Data for Name: idempotency; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO __SCHEMA__.idempotency VALUES ('111111111111', 'CreatePartner', 'cd8641b2-f10b-4bb3-b1f3-7e21354869c2', '{"account":"111111111111","operation":"CreatePartner","token":"cd8641b2-f10b-4bb3-b1f3-7e21354869c2","fingerprint":"1eb7fe6a943bdf7f596dec0ef71afce2b6c4f0680d8d18d91c01447ab4b1672d","response":{"AllianceLeadContact":{"BusinessTitle":"CTO","Email":"alpha@alpha.example","FirstName":"Alpha","LastName":"X"},"Arn":"arn:aws:partnercentral:us-east-1:111111111111:catalog/Sandbox/partner/partner-fa73oo5ios3l3","AwsTrainingCertificationEmailDomains":[],"Catalog":"Sandbox","CreatedAt":"2026-11-29T04:11:14.270Z","Id":"partner-fa73oo5ios3l3","LegalName":"Alpha Upgrade","Profile":{"Description":"Alpha Upgrade","DisplayName":"Alpha Upgrade","IndustrySegments":["OTHER"],"LogoUrl":"https://example.invalid","PrimarySolutionType":"SOFTWARE_PRODUCTS","TranslationSourceLocale":"en-US","WebsiteUrl":"https://example.invalid"}},"created_at":1795925474270}');
INSERT INTO __SCHEMA__.idempotency VALUES ('222222222222', 'CreatePartner', 'dd62b530-1d9d-4168-8dc7-70719cc01796', '{"account":"222222222222","operation":"CreatePartner","token":"dd62b530-1d9d-4168-8dc7-70719cc01796","fingerprint":"23c41182b0e27875f9a29d43e62da267a55220eed2b7fa17dcd959d165963a40","response":{"AllianceLeadContact":{"BusinessTitle":"CTO","Email":"beta@beta.example","FirstName":"Beta","LastName":"X"},"Arn":"arn:aws:partnercentral:us-east-1:222222222222:catalog/Sandbox/partner/partner-22xbhjz6p2gxa","AwsTrainingCertificationEmailDomains":[],"Catalog":"Sandbox","CreatedAt":"2026-11-29T04:11:14.275Z","Id":"partner-22xbhjz6p2gxa","LegalName":"Beta Upgrade","Profile":{"Description":"Beta Upgrade","DisplayName":"Beta Upgrade","IndustrySegments":["OTHER"],"LogoUrl":"https://example.invalid","PrimarySolutionType":"CONSULTING_SERVICES","TranslationSourceLocale":"en-US","WebsiteUrl":"https://example.invalid"}},"created_at":1795925474275}');
INSERT INTO __SCHEMA__.idempotency VALUES ('333333333333', 'CreatePartner', 'aae9aa25-4047-41f3-bf46-5ab1d2734a99', '{"account":"333333333333","operation":"CreatePartner","token":"aae9aa25-4047-41f3-bf46-5ab1d2734a99","fingerprint":"1955331c0628253e4190ef8fcd5b61878d794cf8fc2727eb11d9a8fb1d63b981","response":{"AllianceLeadContact":{"BusinessTitle":"CTO","Email":"gamma@gamma.example","FirstName":"Gamma","LastName":"X"},"Arn":"arn:aws:partnercentral:us-east-1:333333333333:catalog/Sandbox/partner/partner-7oead27stqbk7","AwsTrainingCertificationEmailDomains":[],"Catalog":"Sandbox","CreatedAt":"2026-11-29T04:11:14.280Z","Id":"partner-7oead27stqbk7","LegalName":"Gamma Upgrade","Profile":{"Description":"Gamma Upgrade","DisplayName":"Gamma Upgrade","IndustrySegments":["OTHER"],"LogoUrl":"https://example.invalid","PrimarySolutionType":"CONSULTING_SERVICES","TranslationSourceLocale":"en-US","WebsiteUrl":"https://example.invalid"}},"created_at":1795925474280}');
INSERT INTO __SCHEMA__.idempotency VALUES ('111111111111', 'StartProfileUpdateTask', 'd742404b-a4e6-45f6-9121-5df79506d98e', '{"account":"111111111111","operation":"StartProfileUpdateTask","token":"d742404b-a4e6-45f6-9121-5df79506d98e","fingerprint":"c5fe8418b7516395d24f6976091290cba7d41fac8d019c16b715390f5829a20d","response":{"Arn":"arn:aws:partnercentral:us-east-1:111111111111:catalog/Sandbox/partner/partner-fa73oo5ios3l3","Catalog":"Sandbox","Id":"partner-fa73oo5ios3l3","StartedAt":"2026-11-29T04:11:14.284Z","Status":"IN_PROGRESS","TaskDetails":{"Description":"Alpha profile","DisplayName":"Alpha","Headquarters":{"CountryCode":"US","SubdivisionCode":"WA"},"IndustrySegments":["COMPUTER_SOFTWARE"],"LogoUrl":"https://example.com/logo.png","PrimarySolutionType":"CONSULTING_SERVICES","TranslationSourceLocale":"en-US","WebsiteUrl":"https://example.com"},"TaskId":"pprofiletask-qusmuvflwk5af"},"created_at":1795925474284}');
INSERT INTO __SCHEMA__.idempotency VALUES ('222222222222', 'StartProfileUpdateTask', 'dda5529c-ba59-40b4-b1fd-2efd386cffbe', '{"account":"222222222222","operation":"StartProfileUpdateTask","token":"dda5529c-ba59-40b4-b1fd-2efd386cffbe","fingerprint":"93f0eea14986dd7f96c6980f4f4b81e845b93b698d7d80df74ec45b5ca9f4b32","response":{"Arn":"arn:aws:partnercentral:us-east-1:222222222222:catalog/Sandbox/partner/partner-22xbhjz6p2gxa","Catalog":"Sandbox","Id":"partner-22xbhjz6p2gxa","StartedAt":"2026-11-29T04:11:14.291Z","Status":"IN_PROGRESS","TaskDetails":{"Description":"Beta profile","DisplayName":"Beta","Headquarters":{"CountryCode":"US","SubdivisionCode":"WA"},"IndustrySegments":["COMPUTER_SOFTWARE"],"LogoUrl":"https://example.com/logo.png","PrimarySolutionType":"CONSULTING_SERVICES","TranslationSourceLocale":"en-US","WebsiteUrl":"https://example.com"},"TaskId":"pprofiletask-ng4uozcg4b4eq"},"created_at":1795925474291}');
INSERT INTO __SCHEMA__.idempotency VALUES ('333333333333', 'StartProfileUpdateTask', '5f89a061-02be-475f-aedf-6ab84b682a1c', '{"account":"333333333333","operation":"StartProfileUpdateTask","token":"5f89a061-02be-475f-aedf-6ab84b682a1c","fingerprint":"b767c87dd46e466f27d91cdc57376c6033176f937056cb172a5620cfe5a13723","response":{"Arn":"arn:aws:partnercentral:us-east-1:333333333333:catalog/Sandbox/partner/partner-7oead27stqbk7","Catalog":"Sandbox","Id":"partner-7oead27stqbk7","StartedAt":"2026-11-29T04:11:14.299Z","Status":"IN_PROGRESS","TaskDetails":{"Description":"Gamma profile","DisplayName":"Gamma","Headquarters":{"CountryCode":"US","SubdivisionCode":"WA"},"IndustrySegments":["COMPUTER_SOFTWARE"],"LogoUrl":"https://example.com/logo.png","PrimarySolutionType":"CONSULTING_SERVICES","TranslationSourceLocale":"en-US","WebsiteUrl":"https://example.com"},"TaskId":"pprofiletask-or36bjpzlntxz"},"created_at":1795925474299}');
INSERT INTO __SCHEMA__.idempotency VALUES ('111111111111', 'AssociateAwsTrainingCertificationEmailDomain', '06db7a37-3545-4441-9b11-67244ea4f66f', '{"account":"111111111111","operation":"AssociateAwsTrainingCertificationEmailDomain","token":"06db7a37-3545-4441-9b11-67244ea4f66f","fingerprint":"de5b3d4a07a0d6b7b44839ddf385141d1cfce9c7cd2800ff98d735e914f25d02","response":{},"created_at":1795925474309}');
INSERT INTO __SCHEMA__.idempotency VALUES ('111111111111', 'CreateConnectionInvitation', 'upgrade-create-1', '{"account":"111111111111","operation":"CreateConnectionInvitation","token":"upgrade-create-1","fingerprint":"0420238aeffe1b302313958d8c4cfe4d6fb7d7b55e1430c842a6a690f714d297","response":{"Arn":"arn:aws:partnercentral:us-east-1::catalog/Sandbox/connection-invitation/pacinv-vjweaxu3v4wbg","Catalog":"Sandbox","ConnectionType":"OPPORTUNITY_COLLABORATION","CreatedAt":"2026-11-29T04:11:14.316Z","ExpiresAt":"2026-12-29T04:11:14.316Z","Id":"pacinv-vjweaxu3v4wbg","InvitationMessage":"Let''s sell together","InviterEmail":"alpha@alpha.example","InviterName":"Alpha","OtherParticipantIdentifier":"pprofile-ldk4yhfobdm4t","ParticipantType":"SENDER","Status":"PENDING","UpdatedAt":"2026-11-29T04:11:14.316Z"},"created_at":1795925474316}');
INSERT INTO __SCHEMA__.idempotency VALUES ('222222222222', 'AcceptConnectionInvitation', 'upgrade-accept-1', '{"account":"222222222222","operation":"AcceptConnectionInvitation","token":"upgrade-accept-1","fingerprint":"1a12e4a25a99a05717b4ca5715d8ca8fbb27bad4f1822875bed1be1f779803a0","response":{"Connection":{"Arn":"arn:aws:partnercentral:us-east-1::catalog/Sandbox/connection/pac-o7h7hfpx2zgp7","Catalog":"Sandbox","ConnectionTypes":{"OPPORTUNITY_COLLABORATION":{"CreatedAt":"2026-11-29T04:11:14.323Z","InviterEmail":"alpha@alpha.example","InviterName":"Alpha","OtherParticipant":{"PartnerProfile":{"Id":"pprofile-zwapiubq2x3vs","Name":"Alpha"}},"Status":"ACTIVE"}},"Id":"pac-o7h7hfpx2zgp7","OtherParticipantAccountId":"111111111111","UpdatedAt":"2026-11-29T04:11:14.323Z"}},"created_at":1795925474323}');
INSERT INTO __SCHEMA__.idempotency VALUES ('111111111111', 'CreateConnectionInvitation', '21747b6f-5128-474c-93a8-25b58deb76e8', '{"account":"111111111111","operation":"CreateConnectionInvitation","token":"21747b6f-5128-474c-93a8-25b58deb76e8","fingerprint":"6bf1e0592c0de89ed244cd5f6383c1ddcbec349f3c599adb2bb7eec0099a92a4","response":{"Arn":"arn:aws:partnercentral:us-east-1::catalog/Sandbox/connection-invitation/pacinv-u6ydmdueczzpx","Catalog":"Sandbox","ConnectionId":"pac-o7h7hfpx2zgp7","ConnectionType":"SUBSIDIARY","CreatedAt":"2026-11-29T04:11:14.329Z","ExpiresAt":"2026-12-29T04:11:14.329Z","Id":"pacinv-u6ydmdueczzpx","InvitationMessage":"Subsidiary","InviterEmail":"alpha@alpha.example","InviterName":"Alpha","OtherParticipantIdentifier":"222222222222","ParticipantType":"SENDER","Status":"PENDING","UpdatedAt":"2026-11-29T04:11:14.329Z"},"created_at":1795925474329}');
INSERT INTO __SCHEMA__.idempotency VALUES ('222222222222', 'AcceptConnectionInvitation', 'a4f09df1-b6d9-4e03-a922-def5c52ffaf7', '{"account":"222222222222","operation":"AcceptConnectionInvitation","token":"a4f09df1-b6d9-4e03-a922-def5c52ffaf7","fingerprint":"4643d60f2d1263fa0f2537e73183d88c66f71f47de9f6fbf4479fbc779768acb","response":{"Connection":{"Arn":"arn:aws:partnercentral:us-east-1::catalog/Sandbox/connection/pac-o7h7hfpx2zgp7","Catalog":"Sandbox","ConnectionTypes":{"OPPORTUNITY_COLLABORATION":{"CreatedAt":"2026-11-29T04:11:14.323Z","InviterEmail":"alpha@alpha.example","InviterName":"Alpha","OtherParticipant":{"PartnerProfile":{"Id":"pprofile-zwapiubq2x3vs","Name":"Alpha"}},"Status":"ACTIVE"},"SUBSIDIARY":{"CreatedAt":"2026-11-29T04:11:14.335Z","InviterEmail":"alpha@alpha.example","InviterName":"Alpha","OtherParticipant":{"PartnerProfile":{"Id":"pprofile-zwapiubq2x3vs","Name":"Alpha"}},"Status":"ACTIVE"}},"Id":"pac-o7h7hfpx2zgp7","OtherParticipantAccountId":"111111111111","UpdatedAt":"2026-11-29T04:11:14.335Z"}},"created_at":1795925474335}');
INSERT INTO __SCHEMA__.idempotency VALUES ('222222222222', 'StartQualificationsAssociationTask', 'd647d56c-5fa8-451c-ac56-af132b0de62d', '{"account":"222222222222","operation":"StartQualificationsAssociationTask","token":"d647d56c-5fa8-451c-ac56-af132b0de62d","fingerprint":"6097e9f645a29838fb7034e04791952fb433bc8fc0c0b0dedbf939b25887b9da","response":{"Arn":"arn:aws:partnercentral:us-east-1:222222222222:catalog/Sandbox/partner/partner-22xbhjz6p2gxa","Catalog":"Sandbox","Id":"partner-22xbhjz6p2gxa","PrimaryPartner":{"AccountId":"111111111111","ProfileId":"pprofile-zwapiubq2x3vs"},"StartedAt":"2026-11-29T04:11:14.341Z","Status":"IN_PROGRESS","TaskId":"pqatask-fakomo4m63gun"},"created_at":1795925474341}');
INSERT INTO __SCHEMA__.idempotency VALUES ('111111111111', 'CreateConnectionInvitation', '8eb21529-4c15-45a3-bb16-ea600e31904b', '{"account":"111111111111","operation":"CreateConnectionInvitation","token":"8eb21529-4c15-45a3-bb16-ea600e31904b","fingerprint":"7283e9d9cbd05338f30a84dfff76776e1d2ae565aaed11f91f53d6c04358b48c","response":{"Arn":"arn:aws:partnercentral:us-east-1::catalog/Sandbox/connection-invitation/pacinv-caammpq466n3e","Catalog":"Sandbox","ConnectionType":"OPPORTUNITY_COLLABORATION","CreatedAt":"2026-11-29T04:11:14.349Z","ExpiresAt":"2026-12-29T04:11:14.349Z","Id":"pacinv-caammpq466n3e","InvitationMessage":"Pending one","InviterEmail":"alpha@alpha.example","InviterName":"Alpha","OtherParticipantIdentifier":"pprofile-7ytrnvts5wi6b","ParticipantType":"SENDER","Status":"PENDING","UpdatedAt":"2026-11-29T04:11:14.349Z"},"created_at":1795925474349}');
INSERT INTO __SCHEMA__.idempotency VALUES ('333333333333', 'CreateConnectionInvitation', 'd6cd8e50-a424-4c2f-b2b7-3c5de56d07cf', '{"account":"333333333333","operation":"CreateConnectionInvitation","token":"d6cd8e50-a424-4c2f-b2b7-3c5de56d07cf","fingerprint":"2fa284e61c6345073f0b746fcf090ee0703dfa5a3af5c9c0869df7eccaf94e1d","response":{"Arn":"arn:aws:partnercentral:us-east-1::catalog/Sandbox/connection-invitation/pacinv-ujm57yfosz52o","Catalog":"Sandbox","ConnectionType":"OPPORTUNITY_COLLABORATION","CreatedAt":"2026-11-29T04:11:14.355Z","ExpiresAt":"2026-12-29T04:11:14.355Z","Id":"pacinv-ujm57yfosz52o","InvitationMessage":"Rejected one","InviterEmail":"gamma@gamma.example","InviterName":"Gamma","OtherParticipantIdentifier":"pprofile-ldk4yhfobdm4t","ParticipantType":"SENDER","Status":"PENDING","UpdatedAt":"2026-11-29T04:11:14.355Z"},"created_at":1795925474355}');
INSERT INTO __SCHEMA__.idempotency VALUES ('222222222222', 'RejectConnectionInvitation', '07fdbb33-c96b-44f3-be43-57789a9371d0', '{"account":"222222222222","operation":"RejectConnectionInvitation","token":"07fdbb33-c96b-44f3-be43-57789a9371d0","fingerprint":"9c8b598a397e7b85bcf951ee0cc569023c3e2cb2136d2a23e313c264aef12ab5","response":{"Arn":"arn:aws:partnercentral:us-east-1::catalog/Sandbox/connection-invitation/pacinv-ujm57yfosz52o","Catalog":"Sandbox","ConnectionType":"OPPORTUNITY_COLLABORATION","CreatedAt":"2026-11-29T04:11:14.355Z","ExpiresAt":"2026-12-29T04:11:14.355Z","Id":"pacinv-ujm57yfosz52o","InvitationMessage":"Rejected one","InviterEmail":"gamma@gamma.example","InviterName":"Gamma","OtherParticipantIdentifier":"pprofile-7ytrnvts5wi6b","ParticipantType":"RECEIVER","Status":"REJECTED","UpdatedAt":"2026-11-29T04:11:14.362Z"},"created_at":1795925474362}');
INSERT INTO __SCHEMA__.idempotency VALUES ('222222222222', 'CreateConnectionInvitation', 'da44eefb-96f3-410a-badf-1f6d17f60c93', '{"account":"222222222222","operation":"CreateConnectionInvitation","token":"da44eefb-96f3-410a-badf-1f6d17f60c93","fingerprint":"e99f959e54822c02271bee03ad5f7cf1dd2ae5ed09773df333d370324e7de8a1","response":{"Arn":"arn:aws:partnercentral:us-east-1::catalog/Sandbox/connection-invitation/pacinv-7kmbcu2e5jh3n","Catalog":"Sandbox","ConnectionType":"OPPORTUNITY_COLLABORATION","CreatedAt":"2026-11-29T04:11:14.365Z","ExpiresAt":"2026-12-29T04:11:14.365Z","Id":"pacinv-7kmbcu2e5jh3n","InvitationMessage":"Cancelled one","InviterEmail":"beta@beta.example","InviterName":"Beta","OtherParticipantIdentifier":"pprofile-7ytrnvts5wi6b","ParticipantType":"SENDER","Status":"PENDING","UpdatedAt":"2026-11-29T04:11:14.365Z"},"created_at":1795925474365}');
INSERT INTO __SCHEMA__.idempotency VALUES ('222222222222', 'CancelConnectionInvitation', '1912060a-ab01-4d39-a451-6a3a021ae652', '{"account":"222222222222","operation":"CancelConnectionInvitation","token":"1912060a-ab01-4d39-a451-6a3a021ae652","fingerprint":"2f005f46d4d1cf4d78e12326bc957495b1e787dbb6c785fdfa623bf54a8dce2a","response":{"Arn":"arn:aws:partnercentral:us-east-1::catalog/Sandbox/connection-invitation/pacinv-7kmbcu2e5jh3n","Catalog":"Sandbox","ConnectionType":"OPPORTUNITY_COLLABORATION","CreatedAt":"2026-11-29T04:11:14.365Z","ExpiresAt":"2026-12-29T04:11:14.365Z","Id":"pacinv-7kmbcu2e5jh3n","InvitationMessage":"Cancelled one","InviterEmail":"beta@beta.example","InviterName":"Beta","OtherParticipantIdentifier":"pprofile-7ytrnvts5wi6b","ParticipantType":"SENDER","Status":"CANCELED","UpdatedAt":"2026-11-29T04:11:14.371Z"},"created_at":1795925474371}');
INSERT INTO __SCHEMA__.idempotency VALUES ('111111111111', 'StartVerification', 'upgrade-verify-1', '{"account":"111111111111","operation":"StartVerification","token":"upgrade-verify-1","fingerprint":"59913c1c8b03ad7ec6bab77ae84bf7481674c815921c6491f7fa2034f9687c4c","response":{"StartedAt":"2026-11-29T04:11:14.378Z","VerificationResponseDetails":{"BusinessVerificationResponse":{"BusinessVerificationDetails":{"CountryCode":"US","LegalName":"Alpha Upgrade","RegistrationId":"R-1"}}},"VerificationStatus":"IN_PROGRESS","VerificationType":"BUSINESS_VERIFICATION"},"created_at":1795925474378}');


--
-- Data for Name: outbox; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO __SCHEMA__.outbox OVERRIDING SYSTEM VALUE VALUES (1, 'alpha@alpha.example', '{"id":0,"sent_at":1795925474375,"catalog":"AWS","address":"alpha@alpha.example","kind":"EMAIL_VERIFICATION_CODE","code":"270013","body":{"Subject":"Your AWS Partner Central verification code"}}');


--
-- Data for Name: partner_domains; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO __SCHEMA__.partner_domains VALUES ('Sandbox', 'alpha-upgrade.example', 'partner-fa73oo5ios3l3');


--
-- Data for Name: partners; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO __SCHEMA__.partners VALUES ('Sandbox', 'partner-22xbhjz6p2gxa', '222222222222', 'beta upgrade', 'pprofile-ldk4yhfobdm4t', '{"catalog":"Sandbox","account":"222222222222","id":"partner-22xbhjz6p2gxa","legal_name":"Beta Upgrade","created_at":1795925474275,"alliance_lead":{"FirstName":"Beta","LastName":"X","Email":"beta@beta.example","BusinessTitle":"CTO"},"draft":{"DisplayName":"Beta Upgrade","Description":"Beta Upgrade","WebsiteUrl":"https://example.invalid","LogoUrl":"https://example.invalid","PrimarySolutionType":"CONSULTING_SERVICES","IndustrySegments":["OTHER"],"TranslationSourceLocale":"en-US"},"profile_id":"pprofile-ldk4yhfobdm4t","visibility":null,"domains":[],"tags":[]}');
INSERT INTO __SCHEMA__.partners VALUES ('Sandbox', 'partner-7oead27stqbk7', '333333333333', 'gamma upgrade', 'pprofile-7ytrnvts5wi6b', '{"catalog":"Sandbox","account":"333333333333","id":"partner-7oead27stqbk7","legal_name":"Gamma Upgrade","created_at":1795925474280,"alliance_lead":{"FirstName":"Gamma","LastName":"X","Email":"gamma@gamma.example","BusinessTitle":"CTO"},"draft":{"DisplayName":"Gamma Upgrade","Description":"Gamma Upgrade","WebsiteUrl":"https://example.invalid","LogoUrl":"https://example.invalid","PrimarySolutionType":"CONSULTING_SERVICES","IndustrySegments":["OTHER"],"TranslationSourceLocale":"en-US"},"profile_id":"pprofile-7ytrnvts5wi6b","visibility":null,"domains":[],"tags":[]}');
INSERT INTO __SCHEMA__.partners VALUES ('Sandbox', 'partner-fa73oo5ios3l3', '111111111111', 'alpha upgrade', 'pprofile-zwapiubq2x3vs', '{"catalog":"Sandbox","account":"111111111111","id":"partner-fa73oo5ios3l3","legal_name":"Alpha Upgrade","created_at":1795925474270,"alliance_lead":{"FirstName":"Alpha","LastName":"X","Email":"alpha@alpha.example","BusinessTitle":"CTO"},"draft":{"DisplayName":"Alpha Upgrade","Description":"Alpha Upgrade","WebsiteUrl":"https://example.invalid","LogoUrl":"https://example.invalid","PrimarySolutionType":"SOFTWARE_PRODUCTS","IndustrySegments":["OTHER"],"TranslationSourceLocale":"en-US"},"profile_id":"pprofile-zwapiubq2x3vs","visibility":"PRIVATE","domains":[{"domain_name":"alpha-upgrade.example","registered_at":1795925474309}],"tags":[["team","alpha"]]}');


--
-- Data for Name: profile_tasks; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO __SCHEMA__.profile_tasks OVERRIDING SYSTEM VALUE VALUES (1, 'partner-fa73oo5ios3l3', 'pprofiletask-qusmuvflwk5af', '{"partner_id":"partner-fa73oo5ios3l3","task_id":"pprofiletask-qusmuvflwk5af","details":{"DisplayName":"Alpha","Description":"Alpha profile","WebsiteUrl":"https://example.com","LogoUrl":"https://example.com/logo.png","PrimarySolutionType":"CONSULTING_SERVICES","IndustrySegments":["COMPUTER_SOFTWARE"],"TranslationSourceLocale":"en-US","Headquarters":{"CountryCode":"US","SubdivisionCode":"WA"}},"started_at":1795925474284,"due_at":1795925474284,"canceled_at":null,"forced":null}');
INSERT INTO __SCHEMA__.profile_tasks OVERRIDING SYSTEM VALUE VALUES (2, 'partner-22xbhjz6p2gxa', 'pprofiletask-ng4uozcg4b4eq', '{"partner_id":"partner-22xbhjz6p2gxa","task_id":"pprofiletask-ng4uozcg4b4eq","details":{"DisplayName":"Beta","Description":"Beta profile","WebsiteUrl":"https://example.com","LogoUrl":"https://example.com/logo.png","PrimarySolutionType":"CONSULTING_SERVICES","IndustrySegments":["COMPUTER_SOFTWARE"],"TranslationSourceLocale":"en-US","Headquarters":{"CountryCode":"US","SubdivisionCode":"WA"}},"started_at":1795925474291,"due_at":1795925474291,"canceled_at":null,"forced":null}');
INSERT INTO __SCHEMA__.profile_tasks OVERRIDING SYSTEM VALUE VALUES (3, 'partner-7oead27stqbk7', 'pprofiletask-or36bjpzlntxz', '{"partner_id":"partner-7oead27stqbk7","task_id":"pprofiletask-or36bjpzlntxz","details":{"DisplayName":"Gamma","Description":"Gamma profile","WebsiteUrl":"https://example.com","LogoUrl":"https://example.com/logo.png","PrimarySolutionType":"CONSULTING_SERVICES","IndustrySegments":["COMPUTER_SOFTWARE"],"TranslationSourceLocale":"en-US","Headquarters":{"CountryCode":"US","SubdivisionCode":"WA"}},"started_at":1795925474299,"due_at":1795925474299,"canceled_at":null,"forced":null}');


--
-- Data for Name: qualifications_associations; Type: TABLE DATA; Schema: public; Owner: -
--



--
-- Data for Name: qualifications_groups; Type: TABLE DATA; Schema: public; Owner: -
--



--
-- Data for Name: qualifications_tasks; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO __SCHEMA__.qualifications_tasks OVERRIDING SYSTEM VALUE VALUES (1, 'Sandbox', 'pqatask-fakomo4m63gun', 'ASSOCIATION', 'partner-22xbhjz6p2gxa', 1, '{"catalog":"Sandbox","kind":"ASSOCIATION","task_id":"pqatask-fakomo4m63gun","owner_account":"222222222222","owner_partner_id":"partner-22xbhjz6p2gxa","owner_profile_id":"pprofile-ldk4yhfobdm4t","primary_account":"111111111111","primary_partner_id":"partner-fa73oo5ios3l3","primary_profile_id":"pprofile-zwapiubq2x3vs","started_at":1795925474341,"due_at":1795925474341,"ended_at":null}');


--
-- Data for Name: schema_migrations; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO __SCHEMA__.schema_migrations VALUES (1);
INSERT INTO __SCHEMA__.schema_migrations VALUES (2);
INSERT INTO __SCHEMA__.schema_migrations VALUES (3);


--
-- Data for Name: service_state; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO __SCHEMA__.service_state VALUES (1, '{"clock_offset_ms":0,"settings":{"profile_task_delay_seconds":0,"email_code_validity_minutes":30,"idempotency_retention_hours":24,"email_codes_per_day":5,"profile_tasks_per_day":10,"visibility_updates_per_day":5,"invitation_lifetime_days":30,"connection_invitations_per_day":50,"open_connection_invitations":1000,"active_connections":1000,"training_domains_per_partner":50,"verification_delay_seconds":0,"require_verification_for_aws_catalog":true,"qualifications_task_delay_seconds":0,"qualifications_on_subsidiary_cancel":"dissolve","qualifications_max_associated_partners":6,"events_webhook_url":""},"pagination_key":"3edaf077c5ac808aa73522bdc67a2051e28a01dd2541c13cf24a2a1b4fb882f4","faults":[{"id":"fault-4c2543789a5749c292849c31be558f30","operation":"GetPartner","kind":"delay","delay_ms":1}]}');


--
-- Data for Name: usage; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO __SCHEMA__.usage VALUES ('Sandbox', 'profile_task', 'partner-fa73oo5ios3l3', 1795925474284);
INSERT INTO __SCHEMA__.usage VALUES ('Sandbox', 'profile_task', 'partner-22xbhjz6p2gxa', 1795925474291);
INSERT INTO __SCHEMA__.usage VALUES ('Sandbox', 'profile_task', 'partner-7oead27stqbk7', 1795925474299);
INSERT INTO __SCHEMA__.usage VALUES ('Sandbox', 'profile_visibility', 'partner-fa73oo5ios3l3', 1795925474306);
INSERT INTO __SCHEMA__.usage VALUES ('Sandbox', 'connection_invitation', '111111111111', 1795925474316);
INSERT INTO __SCHEMA__.usage VALUES ('Sandbox', 'connection_invitation', '111111111111', 1795925474329);
INSERT INTO __SCHEMA__.usage VALUES ('Sandbox', 'connection_invitation', '111111111111', 1795925474349);
INSERT INTO __SCHEMA__.usage VALUES ('Sandbox', 'connection_invitation', '333333333333', 1795925474355);
INSERT INTO __SCHEMA__.usage VALUES ('Sandbox', 'connection_invitation', '222222222222', 1795925474365);
INSERT INTO __SCHEMA__.usage VALUES ('AWS', 'email_code', 'alpha@alpha.example', 1795925474375);


--
-- Data for Name: verifications; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO __SCHEMA__.verifications VALUES ('111111111111', 'BUSINESS_VERIFICATION', NULL, '{"account":"111111111111","verification_type":"BUSINESS_VERIFICATION","business":{"LegalName":"Alpha Upgrade","RegistrationId":"R-1","CountryCode":"US"},"started_at":1795925474378,"completion_token":null,"completion_url_expires_at":null,"customer_action_at":null,"due_at":1795925474378,"forced":null}');


--
-- Name: events_seq_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('__SCHEMA__.events_seq_seq', 11, true);


--
-- Name: outbox_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('__SCHEMA__.outbox_id_seq', 1, true);


--
-- Name: profile_tasks_seq_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('__SCHEMA__.profile_tasks_seq_seq', 3, true);


--
-- Name: qualifications_associations_seq_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('__SCHEMA__.qualifications_associations_seq_seq', 1, false);


--
-- Name: qualifications_tasks_seq_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('__SCHEMA__.qualifications_tasks_seq_seq', 1, true);


--
-- Name: accounts accounts_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY __SCHEMA__.accounts
    ADD CONSTRAINT accounts_pkey PRIMARY KEY (account);


--
-- Name: connection_active_types connection_active_types_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY __SCHEMA__.connection_active_types
    ADD CONSTRAINT connection_active_types_pkey PRIMARY KEY (catalog, account_lo, account_hi, connection_type);


--
-- Name: connection_invitations connection_invitations_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY __SCHEMA__.connection_invitations
    ADD CONSTRAINT connection_invitations_pkey PRIMARY KEY (catalog, id);


--
-- Name: connection_preferences connection_preferences_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY __SCHEMA__.connection_preferences
    ADD CONSTRAINT connection_preferences_pkey PRIMARY KEY (catalog, account);


--
-- Name: connections connections_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY __SCHEMA__.connections
    ADD CONSTRAINT connections_pkey PRIMARY KEY (catalog, id);


--
-- Name: credentials credentials_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY __SCHEMA__.credentials
    ADD CONSTRAINT credentials_pkey PRIMARY KEY (access_key_id);


--
-- Name: email_codes email_codes_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY __SCHEMA__.email_codes
    ADD CONSTRAINT email_codes_pkey PRIMARY KEY (catalog, address);


--
-- Name: events events_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY __SCHEMA__.events
    ADD CONSTRAINT events_pkey PRIMARY KEY (seq);


--
-- Name: events events_unique_key_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY __SCHEMA__.events
    ADD CONSTRAINT events_unique_key_key UNIQUE (unique_key);


--
-- Name: idempotency idempotency_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY __SCHEMA__.idempotency
    ADD CONSTRAINT idempotency_pkey PRIMARY KEY (account, operation, token);


--
-- Name: outbox outbox_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY __SCHEMA__.outbox
    ADD CONSTRAINT outbox_pkey PRIMARY KEY (id);


--
-- Name: partner_domains partner_domains_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY __SCHEMA__.partner_domains
    ADD CONSTRAINT partner_domains_pkey PRIMARY KEY (catalog, domain);


--
-- Name: partners partners_catalog_account_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY __SCHEMA__.partners
    ADD CONSTRAINT partners_catalog_account_key UNIQUE (catalog, account);


--
-- Name: partners partners_catalog_legal_name_key_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY __SCHEMA__.partners
    ADD CONSTRAINT partners_catalog_legal_name_key_key UNIQUE (catalog, legal_name_key);


--
-- Name: partners partners_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY __SCHEMA__.partners
    ADD CONSTRAINT partners_pkey PRIMARY KEY (catalog, id);


--
-- Name: profile_tasks profile_tasks_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY __SCHEMA__.profile_tasks
    ADD CONSTRAINT profile_tasks_pkey PRIMARY KEY (seq);


--
-- Name: profile_tasks profile_tasks_task_id_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY __SCHEMA__.profile_tasks
    ADD CONSTRAINT profile_tasks_task_id_key UNIQUE (task_id);


--
-- Name: qualifications_associations qualifications_associations_catalog_subsidiary_account_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY __SCHEMA__.qualifications_associations
    ADD CONSTRAINT qualifications_associations_catalog_subsidiary_account_key UNIQUE (catalog, subsidiary_account);


--
-- Name: qualifications_associations qualifications_associations_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY __SCHEMA__.qualifications_associations
    ADD CONSTRAINT qualifications_associations_pkey PRIMARY KEY (seq);


--
-- Name: qualifications_groups qualifications_groups_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY __SCHEMA__.qualifications_groups
    ADD CONSTRAINT qualifications_groups_pkey PRIMARY KEY (catalog, primary_account);


--
-- Name: qualifications_tasks qualifications_tasks_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY __SCHEMA__.qualifications_tasks
    ADD CONSTRAINT qualifications_tasks_pkey PRIMARY KEY (seq);


--
-- Name: qualifications_tasks qualifications_tasks_task_id_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY __SCHEMA__.qualifications_tasks
    ADD CONSTRAINT qualifications_tasks_task_id_key UNIQUE (task_id);


--
-- Name: schema_migrations schema_migrations_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY __SCHEMA__.schema_migrations
    ADD CONSTRAINT schema_migrations_pkey PRIMARY KEY (version);


--
-- Name: service_state service_state_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY __SCHEMA__.service_state
    ADD CONSTRAINT service_state_pkey PRIMARY KEY (id);


--
-- Name: verifications verifications_completion_token_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY __SCHEMA__.verifications
    ADD CONSTRAINT verifications_completion_token_key UNIQUE (completion_token);


--
-- Name: verifications verifications_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY __SCHEMA__.verifications
    ADD CONSTRAINT verifications_pkey PRIMARY KEY (account, verification_type);


--
-- Name: connection_active_types_by_id; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX connection_active_types_by_id ON __SCHEMA__.connection_active_types USING btree (catalog, connection_id);


--
-- Name: connections_by_hi; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX connections_by_hi ON __SCHEMA__.connections USING btree (catalog, account_hi);


--
-- Name: connections_by_lo; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX connections_by_lo ON __SCHEMA__.connections USING btree (catalog, account_lo);


--
-- Name: connections_one_live; Type: INDEX; Schema: public; Owner: -
--

CREATE UNIQUE INDEX connections_one_live ON __SCHEMA__.connections USING btree (catalog, account_lo, account_hi) WHERE (live = 1);


--
-- Name: events_by_account; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX events_by_account ON __SCHEMA__.events USING btree (account, seq);


--
-- Name: events_due; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX events_due ON __SCHEMA__.events USING btree (next_attempt_at, seq);


--
-- Name: invitations_by_receiver; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX invitations_by_receiver ON __SCHEMA__.connection_invitations USING btree (catalog, receiver);


--
-- Name: invitations_by_sender; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX invitations_by_sender ON __SCHEMA__.connection_invitations USING btree (catalog, sender, status);


--
-- Name: invitations_one_pending; Type: INDEX; Schema: public; Owner: -
--

CREATE UNIQUE INDEX invitations_one_pending ON __SCHEMA__.connection_invitations USING btree (catalog, pair_lo, pair_hi, connection_type) WHERE (status = 'PENDING'::text);


--
-- Name: invitations_pending_by_expiry; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX invitations_pending_by_expiry ON __SCHEMA__.connection_invitations USING btree (status, expires_at);


--
-- Name: partner_domains_by_partner; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX partner_domains_by_partner ON __SCHEMA__.partner_domains USING btree (catalog, partner_id);


--
-- Name: partners_by_profile; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX partners_by_profile ON __SCHEMA__.partners USING btree (catalog, profile_id);


--
-- Name: profile_tasks_by_partner; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX profile_tasks_by_partner ON __SCHEMA__.profile_tasks USING btree (partner_id, seq);


--
-- Name: qualifications_tasks_by_owner; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX qualifications_tasks_by_owner ON __SCHEMA__.qualifications_tasks USING btree (catalog, owner_partner_id, kind, seq);


--
-- Name: qualifications_tasks_one_open; Type: INDEX; Schema: public; Owner: -
--

CREATE UNIQUE INDEX qualifications_tasks_one_open ON __SCHEMA__.qualifications_tasks USING btree (catalog, owner_partner_id) WHERE (open = 1);


--
-- Name: qualifications_tasks_open; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX qualifications_tasks_open ON __SCHEMA__.qualifications_tasks USING btree (catalog, open, seq);


--
-- Name: usage_window; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX usage_window ON __SCHEMA__.usage USING btree (catalog, kind, scope, at);


--
-- PostgreSQL database dump complete
--


