"""Search finds the obvious: a relevance table of everyday queries and what must come first.

Each line: the query, the services that must be among the first ``k`` service results (in any
order), and optionally the comparison row that must be among the first two row results. Measured on the
real seed; a ranking change that breaks a line is a change a user would notice."""

from __future__ import annotations

import pytest
from flask import Flask

from cloudquiz.hub import search as S

K = 4
RELEVANCE = [
    # (query, services among the first K, first comparison row or None)
    ("lambda", ["AWS Lambda"], "Serverless Functions"),
    ("s3", ["Amazon S3"], "Object Storage"),
    ("ec2", ["Amazon EC2"], "Virtual Machines"),
    ("queue", ["Amazon SQS", "Azure Queue Storage", "Azure Service Bus"], "Message Queue"),
    ("message queue", ["Amazon SQS", "Azure Service Bus", "Pub/Sub"], "Message Queue"),
    ("kubernetes", ["Azure Kubernetes Service", "Google Kubernetes Engine"], "Managed Kubernetes"),
    ("k8s", ["Amazon EKS", "Azure Kubernetes Service", "Google Kubernetes Engine"],
     "Managed Kubernetes"),
    ("object storage", ["Amazon S3", "Azure Blob Storage", "Cloud Storage"], "Object Storage"),
    ("kafka", ["Amazon Managed Streaming for Apache Kafka", "Azure Event Hubs",
               "Google Cloud Managed Service for Apache Kafka"], "Managed Apache Kafka"),
    ("etl", ["AWS Glue", "Azure Data Factory"], "Data Integration (ETL/ELT)"),
    ("postgres", ["Azure Database for PostgreSQL", "AlloyDB for PostgreSQL"],
     "Managed PostgreSQL"),
    ("mysql", ["Azure Database for MySQL"], "Managed MySQL and MariaDB"),
    ("Azure AD", ["Microsoft Entra ID"], "Workforce identity directory"),
    ("entra", ["Microsoft Entra ID"], None),
    ("cloud functions", ["Cloud Run functions"], "Serverless Functions"),
    ("anthos", ["GKE Enterprise"], "Hybrid & Multicloud Management"),
    ("azure sentinel", ["Microsoft Sentinel"], None),
    ("spot", ["Amazon EC2", "Compute Engine", "Azure Virtual Machines"], "Spot / Interruptible VMs"),
    ("batch", ["AWS Batch", "Azure Batch", "Batch"], "Batch Computing"),
    ("nat", ["Cloud NAT", "Azure NAT Gateway"], "NAT Gateway"),
    ("private endpoint", ["AWS PrivateLink", "Azure Private Link", "Private Service Connect"],
     "Private Endpoints to Services"),
    ("vpn", ["Cloud VPN", "Azure VPN Gateway"], None),
    ("dns", ["Azure DNS", "Cloud DNS", "Amazon Route 53"], "Managed DNS (Public Zones)"),
    ("cdn", ["Cloud CDN", "Amazon CloudFront"], "CDN"),
    ("front door", ["Azure Front Door"], "Global HTTP(S) Entry Point"),
    ("waf", ["AWS WAF", "Azure Web Application Firewall", "Google Cloud Armor"],
     "Web application firewall (WAF)"),
    ("ddos", ["AWS Shield", "Azure DDoS Protection", "Google Cloud Armor"], "DDoS protection"),
    ("kms", ["AWS Key Management Service", "Cloud Key Management Service", "Azure Key Vault"],
     "Key management (KMS)"),
    ("secrets", ["AWS Secrets Manager", "Secret Manager", "Azure Key Vault"],
     "Secrets management"),
    ("rbac", ["Azure role-based access control"],
     "Identity & access management (who may do what)"),
    ("sso", ["AWS IAM Identity Center", "Microsoft Entra ID", "Cloud Identity"],
     "Workforce single sign-on (SSO)"),
    ("mfa", ["Microsoft Entra ID", "Cloud Identity"], "Multi-factor authentication (MFA)"),
    ("active directory", ["AWS Directory Service", "Microsoft Entra Domain Services",
                          "Managed Service for Microsoft Active Directory"], None),
    ("data warehouse", ["Amazon Redshift", "BigQuery"], "Data Warehouse"),
    ("athena", ["Amazon Athena"], "Serverless SQL over a Data Lake"),
    ("stream processing", ["Amazon Managed Service for Apache Flink", "Azure Stream Analytics",
                           "Dataflow"], "Stream Processing"),
    ("dms", ["AWS Database Migration Service", "Azure Database Migration Service",
             "Database Migration Service"], "Database Migration"),
    ("glacier", ["Amazon Glacier"], "Archive Storage"),
    ("backup", ["AWS Backup", "Azure Backup"], "Managed Backup"),
    ("disaster recovery", ["AWS Elastic Disaster Recovery", "Azure Site Recovery"],
     "Disaster Recovery (Server Replication)"),
    ("terraform", ["Infrastructure Manager"], "Infrastructure as Code"),
    ("cli", ["Azure CLI", "Google Cloud CLI", "AWS Command Line Interface"],
     "Command-Line Interface"),
    ("sdk", ["AWS SDKs", "Azure SDKs"], None),
    ("translation", ["Amazon Translate", "Azure AI Translator", "Cloud Translation"],
     "Machine Translation"),
    ("chatbot", ["Amazon Lex", "Dialogflow"], "Conversational Agents and Chatbots"),
    ("openai", ["Azure OpenAI"], "Foundation Models (Generative AI)"),
    ("vertex ai", ["Gemini Enterprise Agent Platform"], "ML Platform"),
    ("landing zone", ["AWS Control Tower", "Azure landing zones"], "Landing Zones"),
    ("budget", ["AWS Budgets", "Microsoft Cost Management"], "Budgets & Spending Alerts"),
    ("tracing", ["AWS X-Ray", "Cloud Trace", "Application Insights"], "Distributed Tracing"),
    ("prometheus", ["Amazon Managed Service for Prometheus"], "Managed Prometheus"),
    ("codecommit", ["AWS CodeCommit"], "Source Control (Git)"),
    ("container registry", ["Amazon ECR", "Azure Container Registry", "Artifact Registry"],
     "Container Registry"),
    ("serverless containers", ["AWS Fargate", "Azure Container Apps", "Cloud Run"],
     "Serverless Containers"),
    ("vdi", ["Amazon WorkSpaces", "Azure Virtual Desktop"], "Virtual Desktops (VDI / DaaS)"),
    ("event bus", ["Amazon EventBridge", "Azure Event Grid", "Eventarc"],
     "Event Bus / Event Routing"),
    ("cron", ["Cloud Scheduler", "Amazon EventBridge Scheduler"], "Scheduled Jobs (Cron)"),
    # typos, spacing and provider words
    ("kubernets", ["Amazon EKS", "Azure Kubernetes Service", "Google Kubernetes Engine"],
     "Managed Kubernetes"),
    ("postgress", ["Amazon RDS", "Cloud SQL"], "Managed PostgreSQL"),
    ("dynamo db", ["Amazon DynamoDB"], None),
    ("gcp storage", ["Cloud Storage"], None),
]


@pytest.fixture(scope="module")
def ranked(seeded_db_file, tmp_path_factory):
    import shutil

    from tests.support.app import make_app
    path = tmp_path_factory.mktemp("relevance") / "r.db"
    shutil.copy(seeded_db_file, path)
    app: Flask = make_app(path)

    def run(q: str) -> tuple[list[str], list[str]]:
        with app.test_request_context():
            groups = S.search(S.parse(q, S.search_index()))
        return [h.title for h in groups[0].hits], [h.title for h in groups[1].hits]
    return run


def test_the_relevance_table_has_forty_everyday_queries() -> None:
    assert len(RELEVANCE) >= 40


@pytest.mark.parametrize("query, services, row", RELEVANCE, ids=[r[0] for r in RELEVANCE])
def test_everyday_queries_find_the_obvious_first(ranked, query: str, services: list[str],
                                                 row: str | None) -> None:
    found, rows = ranked(query)
    top = found[:max(K, len(services))]
    assert set(services) <= set(top), (query, top)
    if row is not None:
        assert row in rows[:2], (query, rows[:3])


def test_short_words_match_whole_words_only(ranked) -> None:
    found, _ = ranked("ad")
    assert "Azure Load Balancer" not in found and "Azure Advisor" not in found
    assert "Microsoft Entra ID" in found  # formerly Azure AD


def test_a_provider_word_narrows_the_results(ranked) -> None:
    found, _ = ranked("gcp database")
    assert found and all(not t.startswith(("Amazon", "AWS", "Azure")) for t in found)
