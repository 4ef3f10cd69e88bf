// Credential formats with a distinctive shape, one entry per format. A match is high confidence: the shape alone
// says which provider issued it. Formats without a distinctive shape (40-char AWS secret keys, 32-hex Datadog keys...)
// are only recognized under a telling name (NAMED_PROVIDERS).
// Facts about token formats come from the providers' public documentation.

export interface ProviderPattern {
  /** Stable id, used in finding properties and tests. */
  id: string;
  provider: string;
  /** What the value is, for messages: "GitHub personal access token (classic)". */
  label: string;
  /** Matches the credential itself; must not match across whitespace (private keys excepted). */
  re: RegExp;
  /** Base name of the secret the quick-fix creates (GitHub forbids names starting with GITHUB_). */
  secretName: string;
  /** A long-lived cloud or registry credential that has a short-lived (OIDC / trusted publishing) alternative. */
  longLived?: 'aws' | 'gcp' | 'azure' | 'npm' | 'pypi' | 'docker' | 'rubygems' | 'nuget';
  /** Test-mode keys: real credentials, but of a sandbox. */
  severity?: 'medium';
  /** Literal pieces one of which every match contains (found with indexOf before the regex runs); default: the regex's literal prefix. */
  anchors?: string[];
}

// Boundaries: a token is not part of a longer word.
const B = '(?<![A-Za-z0-9_+/-])';
const E = '(?![A-Za-z0-9_])';
const p = (body: string, flags = '') => new RegExp(`${B}${body}${E}`, flags);

export const PROVIDERS: ProviderPattern[] = [
  // Cloud
  {
    id: 'aws-access-key-id',
    provider: 'AWS',
    label: 'AWS access key ID',
    re: p('(?:AKIA|ASIA|ABIA|ACCA)[A-Z2-7]{16}'),
    secretName: 'AWS_ACCESS_KEY_ID',
    longLived: 'aws',
    anchors: ['AKIA', 'ASIA', 'ABIA', 'ACCA'],
  },
  {
    id: 'gcp-service-account-key',
    provider: 'Google Cloud',
    label: 'Google Cloud service-account key (JSON)',
    re: /\\?"private_key_id\\?"\s*:\s*\\?"[a-f0-9]{40}\\?"/,
    secretName: 'GCP_SA_KEY',
    longLived: 'gcp',
    anchors: ['private_key_id'],
  },
  {
    id: 'gcp-api-key',
    provider: 'Google Cloud',
    label: 'Google API key',
    re: p('AIza[0-9A-Za-z_-]{35}'),
    secretName: 'GOOGLE_API_KEY',
  },
  {
    id: 'google-oauth-client-secret',
    provider: 'Google Cloud',
    label: 'Google OAuth client secret',
    re: p('GOCSPX-[A-Za-z0-9_-]{28}'),
    secretName: 'GOOGLE_CLIENT_SECRET',
  },
  {
    id: 'azure-storage-connection-string',
    provider: 'Azure',
    label: 'Azure Storage connection string with account key',
    re: /AccountKey=[A-Za-z0-9+/]{86}==/,
    secretName: 'AZURE_STORAGE_CONNECTION_STRING',
    longLived: 'azure',
  },
  {
    id: 'azure-client-secret',
    provider: 'Azure',
    label: 'Azure AD (Entra ID) client secret',
    re: p('[A-Za-z0-9_~.-]{3}\\dQ~[A-Za-z0-9_~.-]{31,34}'),
    secretName: 'AZURE_CLIENT_SECRET',
    longLived: 'azure',
    anchors: ['Q~'],
  },
  {
    id: 'azure-sas-token',
    provider: 'Azure',
    label: 'Azure shared access signature',
    re: /[?&]sv=\d{4}-\d{2}-\d{2}&[^\s"']*?sig=[A-Za-z0-9%+/]{40,}(?:%3D|=){0,2}/,
    secretName: 'AZURE_SAS_TOKEN',
    longLived: 'azure',
    anchors: ['sig='],
  },
  {
    id: 'digitalocean-token',
    provider: 'DigitalOcean',
    label: 'DigitalOcean token',
    re: p('do[opr]_v1_[a-f0-9]{64}'),
    secretName: 'DIGITALOCEAN_TOKEN',
    anchors: ['_v1_'],
  },
  {
    id: 'heroku-api-key',
    provider: 'Heroku',
    label: 'Heroku API key',
    re: p('HRKU-(?:AA)?[A-Za-z0-9_-]{58,60}'),
    secretName: 'HEROKU_API_KEY',
  },
  {
    id: 'flyio-token',
    provider: 'Fly.io',
    label: 'Fly.io token',
    re: p('(?:fo1_[A-Za-z0-9_-]{43}|FlyV1 fm[12][ar]?_[A-Za-z0-9+/=_-]{100,})'),
    secretName: 'FLY_API_TOKEN',
    anchors: ['fo1_', 'FlyV1'],
  },
  // Code, packages, CI
  {
    id: 'github-pat-classic',
    provider: 'GitHub',
    label: 'GitHub personal access token (classic)',
    re: p('ghp_[A-Za-z0-9]{36}'),
    secretName: 'GH_PAT',
  },
  {
    id: 'github-pat-fine-grained',
    provider: 'GitHub',
    label: 'GitHub fine-grained personal access token',
    re: p('github_pat_[A-Za-z0-9]{22}_[A-Za-z0-9]{59}'),
    secretName: 'GH_PAT',
  },
  {
    id: 'github-oauth-token',
    provider: 'GitHub',
    label: 'GitHub OAuth access token',
    re: p('gho_[A-Za-z0-9]{36}'),
    secretName: 'GH_OAUTH_TOKEN',
  },
  {
    id: 'github-app-token',
    provider: 'GitHub',
    label: 'GitHub App token',
    re: p('gh[us]_[A-Za-z0-9]{36}'),
    secretName: 'GH_APP_TOKEN',
    anchors: ['ghu_', 'ghs_'],
  },
  {
    id: 'github-refresh-token',
    provider: 'GitHub',
    label: 'GitHub refresh token',
    re: p('ghr_[A-Za-z0-9]{36,76}'),
    secretName: 'GH_REFRESH_TOKEN',
  },
  {
    id: 'gitlab-token',
    provider: 'GitLab',
    label: 'GitLab token',
    re: p('(?:glpat|gldt|glrt|glcbt|glptt|glsoat|glffct|glagent)-[A-Za-z0-9_-]{20,64}'),
    secretName: 'GITLAB_TOKEN',
    anchors: ['glpat-', 'gldt-', 'glrt-', 'glcbt-', 'glptt-', 'glsoat-', 'glffct-', 'glagent-'],
  },
  {
    id: 'npm-token',
    provider: 'npm',
    label: 'npm access token',
    re: p('npm_[A-Za-z0-9]{36}'),
    secretName: 'NPM_TOKEN',
    longLived: 'npm',
  },
  {
    id: 'pypi-token',
    provider: 'PyPI',
    label: 'PyPI API token',
    re: p('pypi-AgE[A-Za-z0-9_-]{50,}'),
    secretName: 'PYPI_API_TOKEN',
    longLived: 'pypi',
  },
  {
    id: 'dockerhub-token',
    provider: 'Docker Hub',
    label: 'Docker Hub access token',
    re: p('dckr_(?:pat|oat)_[A-Za-z0-9_-]{27,}'),
    secretName: 'DOCKERHUB_TOKEN',
    longLived: 'docker',
  },
  {
    id: 'rubygems-api-key',
    provider: 'RubyGems',
    label: 'RubyGems API key',
    re: p('rubygems_[a-f0-9]{48}'),
    secretName: 'RUBYGEMS_API_KEY',
    longLived: 'rubygems',
  },
  {
    id: 'nuget-api-key',
    provider: 'NuGet',
    label: 'NuGet API key',
    re: p('oy2[a-z0-9]{43}'),
    secretName: 'NUGET_API_KEY',
    longLived: 'nuget',
  },
  {
    id: 'sonarqube-token',
    provider: 'SonarQube',
    label: 'SonarQube token',
    re: p('sq[apu]_[a-f0-9]{40}'),
    secretName: 'SONAR_TOKEN',
  },
  {
    id: 'buildkite-token',
    provider: 'Buildkite',
    label: 'Buildkite API token',
    re: p('bkua_[a-f0-9]{40}'),
    secretName: 'BUILDKITE_TOKEN',
  },
  {
    id: 'postman-api-key',
    provider: 'Postman',
    label: 'Postman API key',
    re: p('PMAK-[a-f0-9]{24}-[a-f0-9]{34}'),
    secretName: 'POSTMAN_API_KEY',
  },
  // Business SaaS
  {
    id: 'slack-token',
    provider: 'Slack',
    label: 'Slack token',
    re: p('xox[abposr]-(?:\\d+-)+[A-Za-z0-9-]{10,}'),
    secretName: 'SLACK_TOKEN',
  },
  {
    id: 'slack-app-token',
    provider: 'Slack',
    label: 'Slack app-level token',
    re: p('xapp-\\d-[A-Z0-9]+-\\d+-[a-f0-9]{32,}'),
    secretName: 'SLACK_APP_TOKEN',
  },
  {
    id: 'slack-webhook',
    provider: 'Slack',
    label: 'Slack incoming webhook URL',
    re: /https:\/\/hooks\.slack\.com\/(?:services|workflows|triggers)\/T[A-Z0-9]{6,}\/[A-Z0-9]{6,}\/[A-Za-z0-9]{20,}/,
    secretName: 'SLACK_WEBHOOK_URL',
  },
  {
    id: 'discord-webhook',
    provider: 'Discord',
    label: 'Discord webhook URL',
    re: /https:\/\/(?:ptb\.|canary\.)?discord(?:app)?\.com\/api\/webhooks\/\d{15,}\/[A-Za-z0-9_-]{60,}/,
    secretName: 'DISCORD_WEBHOOK_URL',
    anchors: ['discord'],
  },
  {
    id: 'teams-webhook',
    provider: 'Microsoft Teams',
    label: 'Microsoft Teams webhook URL',
    re: /https:\/\/[a-z0-9-]+\.webhook\.office\.com\/webhookb2\/[a-f0-9-]{36}@[a-f0-9-]{36}\/IncomingWebhook\/[a-f0-9]{32}\/[a-f0-9-]{36}/,
    secretName: 'TEAMS_WEBHOOK_URL',
    anchors: ['webhook.office.com'],
  },
  {
    id: 'telegram-bot-token',
    provider: 'Telegram',
    label: 'Telegram bot token',
    re: p('\\d{8,10}:AA[A-Za-z0-9_-]{33}'),
    secretName: 'TELEGRAM_BOT_TOKEN',
    anchors: [':AA'],
  },
  {
    id: 'stripe-live-key',
    provider: 'Stripe',
    label: 'Stripe live secret key',
    re: p('(?:sk|rk)_live_[0-9a-zA-Z]{24,247}'),
    secretName: 'STRIPE_SECRET_KEY',
    anchors: ['sk_live_', 'rk_live_'],
  },
  {
    id: 'stripe-test-key',
    provider: 'Stripe',
    label: 'Stripe test-mode secret key',
    re: p('(?:sk|rk)_test_[0-9a-zA-Z]{24,247}'),
    secretName: 'STRIPE_TEST_SECRET_KEY',
    severity: 'medium',
    anchors: ['sk_test_', 'rk_test_'],
  },
  {
    id: 'twilio-api-key',
    provider: 'Twilio',
    label: 'Twilio API key SID with secret',
    re: p('SK[0-9a-f]{32}'),
    secretName: 'TWILIO_API_KEY',
  },
  {
    id: 'sendgrid-api-key',
    provider: 'SendGrid',
    label: 'SendGrid API key',
    re: p('SG\\.[A-Za-z0-9_-]{22}\\.[A-Za-z0-9_-]{43}'),
    secretName: 'SENDGRID_API_KEY',
  },
  {
    id: 'mailgun-api-key',
    provider: 'Mailgun',
    label: 'Mailgun API key',
    re: p('key-[0-9a-f]{32}'),
    secretName: 'MAILGUN_API_KEY',
  },
  {
    id: 'mailchimp-api-key',
    provider: 'Mailchimp',
    label: 'Mailchimp API key',
    re: p('[0-9a-f]{32}-us\\d{1,2}'),
    secretName: 'MAILCHIMP_API_KEY',
    anchors: ['-us'],
  },
  {
    id: 'hubspot-token',
    provider: 'HubSpot',
    label: 'HubSpot private app token',
    re: p('pat-(?:na|eu)\\d-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}'),
    secretName: 'HUBSPOT_TOKEN',
  },
  {
    id: 'shopify-token',
    provider: 'Shopify',
    label: 'Shopify access token',
    re: p('shp(?:at|ca|pa|ss)_[a-fA-F0-9]{32}'),
    secretName: 'SHOPIFY_ACCESS_TOKEN',
  },
  {
    id: 'salesforce-access-token',
    provider: 'Salesforce',
    label: 'Salesforce access token',
    re: p('00D[A-Za-z0-9]{12,15}![A-Za-z0-9._]{80,}'),
    secretName: 'SALESFORCE_ACCESS_TOKEN',
  },
  {
    id: 'square-token',
    provider: 'Square',
    label: 'Square access token',
    re: p('(?:EAAA[A-Za-z0-9_-]{60}|sq0(?:atp|csp)-[A-Za-z0-9_-]{22,43})'),
    secretName: 'SQUARE_ACCESS_TOKEN',
    anchors: ['EAAA', 'sq0'],
  },
  {
    id: 'figma-token',
    provider: 'Figma',
    label: 'Figma personal access token',
    re: p('figd_[A-Za-z0-9_-]{40}'),
    secretName: 'FIGMA_TOKEN',
  },
  {
    id: 'linear-api-key',
    provider: 'Linear',
    label: 'Linear API key',
    re: p('lin_(?:api|oauth)_[A-Za-z0-9]{40}'),
    secretName: 'LINEAR_API_KEY',
  },
  {
    id: 'notion-token',
    provider: 'Notion',
    label: 'Notion integration token',
    re: p('(?:secret_[A-Za-z0-9]{43}|ntn_\\d{11}[A-Za-z0-9]{35})'),
    secretName: 'NOTION_TOKEN',
    anchors: ['secret_', 'ntn_'],
  },
  {
    id: 'atlassian-api-token',
    provider: 'Atlassian',
    label: 'Atlassian API token',
    re: p('AT(?:ATT|CTT)3[A-Za-z0-9_=-]{150,250}'),
    secretName: 'ATLASSIAN_API_TOKEN',
    anchors: ['ATATT3', 'ATCTT3'],
  },
  {
    id: 'contentful-token',
    provider: 'Contentful',
    label: 'Contentful personal access token',
    re: p('CFPAT-[A-Za-z0-9_-]{43}'),
    secretName: 'CONTENTFUL_TOKEN',
  },
  // AI providers
  {
    id: 'openai-api-key',
    provider: 'OpenAI',
    label: 'OpenAI API key',
    re: p('sk-(?:(?:proj|svcacct|admin)-)?[A-Za-z0-9_-]{20,200}T3BlbkFJ[A-Za-z0-9_-]{20,200}'),
    secretName: 'OPENAI_API_KEY',
  },
  {
    id: 'anthropic-api-key',
    provider: 'Anthropic',
    label: 'Anthropic API key',
    re: p('sk-ant-(?:api|admin|oat|sid)\\d{2}-[A-Za-z0-9_-]{80,120}'),
    secretName: 'ANTHROPIC_API_KEY',
  },
  {
    id: 'huggingface-token',
    provider: 'Hugging Face',
    label: 'Hugging Face access token',
    re: p('hf_[A-Za-z]{34}'),
    secretName: 'HF_TOKEN',
  },
  {
    id: 'groq-api-key',
    provider: 'Groq',
    label: 'Groq API key',
    re: p('gsk_[A-Za-z0-9]{52}'),
    secretName: 'GROQ_API_KEY',
  },
  {
    id: 'replicate-token',
    provider: 'Replicate',
    label: 'Replicate API token',
    re: p('r8_[A-Za-z0-9]{37}'),
    secretName: 'REPLICATE_API_TOKEN',
  },
  // Infrastructure and observability
  {
    id: 'vault-token',
    provider: 'HashiCorp Vault',
    label: 'HashiCorp Vault token',
    re: p('hv[sbr]\\.[A-Za-z0-9_-]{24,}'),
    secretName: 'VAULT_TOKEN',
    anchors: ['hvs.', 'hvb.', 'hvr.'],
  },
  {
    id: 'doppler-token',
    provider: 'Doppler',
    label: 'Doppler token',
    re: p('dp\\.(?:pt|st|sa|ct|scim|audit)\\.[A-Za-z0-9]{40,44}'),
    secretName: 'DOPPLER_TOKEN',
  },
  {
    id: 'terraform-cloud-token',
    provider: 'Terraform Cloud',
    label: 'Terraform Cloud / Enterprise API token',
    re: p('[A-Za-z0-9]{14}\\.atlasv1\\.[A-Za-z0-9_=-]{60,70}'),
    secretName: 'TF_API_TOKEN',
    anchors: ['.atlasv1.'],
  },
  {
    id: 'pulumi-token',
    provider: 'Pulumi',
    label: 'Pulumi access token',
    re: p('pul-[a-f0-9]{40}'),
    secretName: 'PULUMI_ACCESS_TOKEN',
  },
  {
    id: 'databricks-token',
    provider: 'Databricks',
    label: 'Databricks personal access token',
    re: p('dapi[a-f0-9]{32}(?:-\\d)?'),
    secretName: 'DATABRICKS_TOKEN',
  },
  {
    id: 'grafana-token',
    provider: 'Grafana',
    label: 'Grafana token',
    re: p('(?:glsa_[A-Za-z0-9]{32}_[A-Fa-f0-9]{8}|glc_[A-Za-z0-9+/]{32,400}={0,2})'),
    secretName: 'GRAFANA_TOKEN',
    anchors: ['glsa_', 'glc_'],
  },
  {
    id: 'sentry-token',
    provider: 'Sentry',
    label: 'Sentry auth token',
    re: p('(?:sntrys_eyJ[A-Za-z0-9+/=_-]{60,}|sntryu_[a-f0-9]{64})'),
    secretName: 'SENTRY_AUTH_TOKEN',
    anchors: ['sntrys_', 'sntryu_'],
  },
  {
    id: 'cloudflare-origin-ca-key',
    provider: 'Cloudflare',
    label: 'Cloudflare Origin CA key',
    re: p('v1\\.0-[a-f0-9]{24}-[a-f0-9]{146}'),
    secretName: 'CLOUDFLARE_ORIGIN_CA_KEY',
  },
  {
    id: 'newrelic-key',
    provider: 'New Relic',
    label: 'New Relic key',
    re: p('NR(?:AK|II|JS)-[A-Za-z0-9]{27}'),
    secretName: 'NEW_RELIC_API_KEY',
    anchors: ['NRAK-', 'NRII-', 'NRJS-'],
  },
  {
    id: 'dynatrace-token',
    provider: 'Dynatrace',
    label: 'Dynatrace token',
    re: p('dt0c01\\.[A-Z0-9]{24}\\.[A-Z0-9]{64}'),
    secretName: 'DYNATRACE_TOKEN',
  },
  {
    id: 'supabase-token',
    provider: 'Supabase',
    label: 'Supabase access token',
    re: p('sbp_[a-f0-9]{40}'),
    secretName: 'SUPABASE_ACCESS_TOKEN',
  },
  {
    id: 'planetscale-token',
    provider: 'PlanetScale',
    label: 'PlanetScale token or password',
    re: p('pscale_(?:tkn|pw|oauth)_[A-Za-z0-9_.-]{32,64}'),
    secretName: 'PLANETSCALE_TOKEN',
  },
  {
    id: 'age-secret-key',
    provider: 'age',
    label: 'age secret key',
    re: p('AGE-SECRET-KEY-1[QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L]{58}'),
    secretName: 'AGE_SECRET_KEY',
  },
  // Keys and tokens of any issuer
  {
    id: 'private-key',
    provider: 'Private key',
    label: 'private key',
    // Bounded: keys are a few KB, and an unbounded lazy scan from every BEGIN without an END would be quadratic.
    re: /-----BEGIN (?:RSA |EC |DSA |ENCRYPTED |OPENSSH |PGP )?PRIVATE KEY(?: BLOCK)?-----[\s\S]{32,8192}?-----END (?:RSA |EC |DSA |ENCRYPTED |OPENSSH |PGP )?PRIVATE KEY(?: BLOCK)?-----/,
    secretName: 'PRIVATE_KEY',
  },
];

/**
 * Credentials whose shape is generic (hex, base64) but whose name says which provider issued them.
 * `name` is tested against the key / variable name, `value` against the whole value.
 */
export interface NamedProvider {
  id: string;
  provider: string;
  label: string;
  name: RegExp;
  value: RegExp;
  longLived?: ProviderPattern['longLived'];
}

export const NAMED_PROVIDERS: NamedProvider[] = [
  {
    id: 'aws-secret-access-key',
    provider: 'AWS',
    label: 'AWS secret access key',
    name: /aws.?secret.?(access.?)?key/i,
    value: /^[A-Za-z0-9/+]{40}$/,
    longLived: 'aws',
  },
  {
    id: 'azure-client-secret-named',
    provider: 'Azure',
    label: 'Azure client secret',
    name: /(azure|arm).?client.?secret/i,
    value: /^[A-Za-z0-9_~.-]{34,40}$/,
    longLived: 'azure',
  },
  {
    id: 'datadog-api-key',
    provider: 'Datadog',
    label: 'Datadog API key',
    name: /(datadog|dd).?api.?key/i,
    value: /^[a-f0-9]{32}$/,
  },
  {
    id: 'datadog-app-key',
    provider: 'Datadog',
    label: 'Datadog application key',
    name: /(datadog|dd).?app(lication)?.?key/i,
    value: /^[a-f0-9]{40}$/,
  },
  {
    id: 'cloudflare-api-token',
    provider: 'Cloudflare',
    label: 'Cloudflare API token',
    name: /(cloudflare|cf).?api.?(token|key)/i,
    value: /^[A-Za-z0-9_-]{37,40}$/,
  },
  {
    id: 'twilio-auth-token',
    provider: 'Twilio',
    label: 'Twilio auth token',
    name: /twilio.?auth.?token/i,
    value: /^[a-f0-9]{32}$/,
  },
  {
    id: 'vault-token-legacy',
    provider: 'HashiCorp Vault',
    label: 'HashiCorp Vault token',
    name: /vault.?token/i,
    value: /^s\.[A-Za-z0-9]{24}$/,
  },
  {
    id: 'azure-devops-pat',
    provider: 'Azure DevOps',
    label: 'Azure DevOps personal access token',
    name: /(azure.?devops|ado|azdo|vsts).?(pat|token)/i,
    value: /^[a-z2-7]{52}$|^[A-Za-z0-9]{84}$/,
  },
];

/**
 * Values published in providers' documentation as examples; never a real credential. The Slack and GitHub ones are
 * assembled at run time so secret scanners (vsce package, push protection) do not flag Flowguard's own bundle.
 */
export const DOCUMENTED_EXAMPLES = new Set([
  'AKIAIOSFODNN7EXAMPLE',
  'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
  'AKIAI44QH8DHBEXAMPLE',
  'je7MtGbClwBF/2Zp9Utk/h3yCo8nvbEXAMPLEKEY',
  'ASIAIOSFODNN7EXAMPLE',
  'sk_test_4eC39HqLyjWDarjtT1zdp7dc',
  ['xoxb', 'not-a-real-token-this-will-not-work'].join('-'),
  ['ghp', '0'.repeat(36)].join('_'),
]);
