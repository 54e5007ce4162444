//! The command line: `serve` (default), `migrate`, and account commands.

use crate::clock::SystemClock;
use crate::config::{Config, LogFormat};
use crate::core::SharedCore;
use anyhow::{bail, Context};
use app::auth::Role;
use app::common::validate::NewPassword;
use app::common::AppError;
use app::users::model::NewUser;
use clap::{Args, Parser, Subcommand};
use std::io::BufRead;
use std::path::PathBuf;
use std::sync::Arc;

#[derive(Parser, Debug)]
#[command(
    name = "bastion-profile",
    version,
    about = "Account self-service and MFA console for a bastion host"
)]
pub struct Cli {
    /// A TOML configuration file (also BP_CONFIG). Environment variables BP_* override it.
    #[arg(long, global = true, value_name = "FILE")]
    pub config: Option<PathBuf>,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Run the web server (the default).
    Serve,
    /// Apply database migrations and exit.
    Migrate,
    /// Manage accounts.
    #[command(subcommand)]
    User(UserCommand),
    /// Manage the service accounts of components (SSH terminal, RDP gateway,
    /// database proxy), which redeem connection tokens with an access key.
    #[command(subcommand)]
    Component(ComponentCommand),
    /// Print a user's active SSH keys in authorized_keys format, for OpenSSH:
    /// `AuthorizedKeysCommand /path/bastion-profile authorized-keys %u %f`.
    AuthorizedKeys(AuthorizedKeys),
}

#[derive(Args, Debug)]
pub struct AuthorizedKeys {
    /// The bastion username (sshd's %u).
    pub username: String,
    /// Only the key with this fingerprint (sshd's %f, `SHA256:...`); its
    /// last use is recorded.
    pub fingerprint: Option<String>,
}

#[derive(Subcommand, Debug)]
pub enum UserCommand {
    /// Create an account; the password is read from standard input.
    Create(CreateUser),
    /// Replace an account's password (read from standard input) and end its sessions.
    SetPassword(SetPassword),
    /// Lift the password and MFA blocks that failed attempts put on an account.
    Unlock(Unlock),
}

#[derive(Subcommand, Debug)]
pub enum ComponentCommand {
    /// Create a component's service account and its access key; the key's
    /// secret is printed once.
    Create(CreateComponent),
}

#[derive(Args, Debug)]
pub struct CreateComponent {
    /// The account's username, e.g. koko.
    #[arg(long)]
    pub name: String,
}

#[derive(Args, Debug)]
pub struct Unlock {
    pub username: String,
}

#[derive(Args, Debug)]
pub struct CreateUser {
    #[arg(long)]
    pub username: String,
    #[arg(long)]
    pub email: String,
    /// Display name (defaults to the username).
    #[arg(long)]
    pub name: Option<String>,
    /// Make the account an administrator.
    #[arg(long)]
    pub admin: bool,
    /// Read the password from the first line of standard input (required).
    #[arg(long, required = true)]
    pub password_stdin: bool,
}

#[derive(Args, Debug)]
pub struct SetPassword {
    pub username: String,
    /// Read the password from the first line of standard input (required).
    #[arg(long, required = true)]
    pub password_stdin: bool,
}

pub async fn run(cli: Cli) -> anyhow::Result<()> {
    let config = Config::load(cli.config.as_deref())?;
    match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => serve(config).await,
        Command::Migrate => {
            init_logging(&config, false)?;
            let core = crate::build_core(config, Arc::new(SystemClock)).await?;
            println!("migrations applied ({})", core.db.backend());
            Ok(())
        }
        Command::User(cmd) => {
            init_logging(&config, false)?;
            let core = crate::build_core(config, Arc::new(SystemClock)).await?;
            user_command(&core, cmd).await
        }
        Command::Component(ComponentCommand::Create(args)) => {
            init_logging(&config, false)?;
            let core = crate::build_core(config, Arc::new(SystemClock)).await?;
            let (user, key) = core.create_component(&args.name).await.map_err(explain)?;
            println!("created component {} ({})", user.username, user.id);
            // Printed on purpose, once: the component is configured with it.
            println!("access key id: {}", key.key.id);
            println!("access key secret: {}", key.secret);
            Ok(())
        }
        Command::AuthorizedKeys(args) => {
            init_logging(&config, false)?;
            let core = crate::build_core(config, Arc::new(SystemClock)).await?;
            let lines = crate::ssh_keys::authorized::lines(
                &core,
                &args.username,
                args.fingerprint.as_deref(),
            )
            .await
            .map_err(explain)?;
            for line in lines {
                println!("{line}");
            }
            Ok(())
        }
    }
}

async fn user_command(core: &SharedCore, cmd: UserCommand) -> anyhow::Result<()> {
    match cmd {
        UserCommand::Create(args) => {
            let password = read_password_line()?;
            let new = NewUser {
                name: args.name.clone().unwrap_or_else(|| args.username.clone()),
                username: args.username,
                email: args.email,
                role: if args.admin { Role::Admin } else { Role::User },
                password,
                is_active: true,
                ..Default::default()
            };
            let valid = new.validate().map_err(explain)?;
            let user = core.create_account(valid).await.map_err(explain)?;
            println!("created {} {} ({})", user.role, user.username, user.id);
            Ok(())
        }
        UserCommand::Unlock(args) => {
            let user = crate::users::store::find_by_username(&core.db, &args.username)
                .await
                .map_err(explain)?
                .ok_or_else(|| anyhow::anyhow!("no account is named {}", args.username))?;
            core.unlock_account(&user).await.map_err(explain)?;
            println!("{} is no longer blocked", user.username);
            Ok(())
        }
        UserCommand::SetPassword(args) => {
            let password = NewPassword::parse(&read_password_line()?)
                .map_err(|e| anyhow::anyhow!("password: {e}"))?;
            let user = core.set_password(&args.username, &password).await.map_err(|e| match e {
                AppError::NotFound => anyhow::anyhow!("no account is named {}", args.username),
                other => explain(other),
            })?;
            println!("password changed for {}; its sessions were ended", user.username);
            Ok(())
        }
    }
}

/// An `AppError` as a CLI message, with every field's complaint.
fn explain(err: AppError) -> anyhow::Error {
    match &err {
        AppError::Invalid { fields, .. } | AppError::Conflict { fields, .. }
            if !fields.is_empty() =>
        {
            let lines: Vec<String> = fields.iter().map(|(k, v)| format!("{k}: {v}")).collect();
            anyhow::anyhow!(lines.join("\n"))
        }
        other => anyhow::anyhow!(other.to_string()),
    }
}

fn read_password_line() -> anyhow::Result<String> {
    let mut line = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut line)
        .context("cannot read the password from standard input")?;
    let password = line.strip_suffix('\n').unwrap_or(&line);
    let password = password.strip_suffix('\r').unwrap_or(password);
    if password.is_empty() {
        bail!("no password on standard input");
    }
    Ok(password.to_owned())
}

fn init_logging(config: &Config, serving: bool) -> anyhow::Result<()> {
    use tracing_subscriber::EnvFilter;
    let filter = if serving { config.log.as_str() } else { "warn" };
    let filter =
        EnvFilter::try_new(filter).map_err(|e| anyhow::anyhow!("configuration key `log`: {e}"))?;
    let builder = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr);
    let result = match config.log_format {
        LogFormat::Text => builder.try_init(),
        LogFormat::Json => builder.json().try_init(),
    };
    result.map_err(|e| anyhow::anyhow!("cannot start logging: {e}"))
}

async fn serve(config: Config) -> anyhow::Result<()> {
    init_logging(&config, true)?;
    let bind = config.bind;
    let public_url = config.public_url.clone();
    let core = crate::build_core(config, Arc::new(SystemClock)).await?;
    let listener = tokio::net::TcpListener::bind(bind)
        .await
        .with_context(|| format!("cannot listen on {bind} (configuration key `bind`)"))?;
    tracing::info!(backend = core.db.backend(), "database ready");
    println!("Bastion Profile is running at {public_url}");
    if let Some(token) = core.issue_setup_token().await.map_err(explain)? {
        let mut link = public_url.clone();
        link.set_path("/setup");
        link.set_query(Some(&format!("token={token}")));
        // Printed on purpose, once: whoever reads the start-up log creates the first admin.
        println!("No administrator exists yet. Create one within 24 hours at:\n  {link}");
        println!("(or run: bastion-profile user create --admin --username NAME --email ADDRESS --password-stdin)");
    }
    tokio::spawn(purge_sessions(core.clone()));
    crate::serve(core, listener, shutdown_signal()).await
}

async fn purge_sessions(core: SharedCore) {
    let mut every = tokio::time::interval(std::time::Duration::from_secs(3600));
    loop {
        every.tick().await;
        if let Ok(n) = crate::auth::session::purge_expired(&core.db, core.now()).await {
            tracing::debug!(removed = n, "expired sessions purged");
        }
    }
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down");
}
