#include "documenttabs.h"

#include "fileio.h"
#include "recoverystore.h"
#include "ruleeditor.h"
#include "workbenchcontext.h"

#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QTextCursor>

namespace sigmaui {

namespace {
const auto RuleFileFilter = QT_TRANSLATE_NOOP("sigmaui", "Sigma rules (*.yml *.yaml);;All files (*)");
} // namespace

DocumentTabs::DocumentTabs(const SyntaxSupport& syntax, WorkbenchContext* context, const RuleDocument::Options& options,
                           const QString& recoveryDirectory, QWidget* parent)
    : QTabWidget(parent)
    , m_syntax(syntax)
    , m_context(context)
    , m_options(options)
    , m_recovery(std::make_unique<RecoveryStore>(recoveryDirectory))
{
    setDocumentMode(true);
    setTabsClosable(true);
    setMovable(true);
    connect(this, &QTabWidget::tabCloseRequested, this, [this](int index) { close(index); });
    context->setDocumentsProvider([this] { return documents(); });
    context->setPageHost(
        [this](QWidget* page, const QString& title, const QString& toolTip) { showPage(page, title, toolTip); });
    m_askToSave = [this](const QString& name) {
        return QMessageBox::question(this, tr("Unsaved changes"),
                                     tr("%1 has unsaved changes. Save them before closing?").arg(name),
                                     QMessageBox::Save | QMessageBox::Discard | QMessageBox::Cancel, QMessageBox::Save);
    };
    m_askSavePath = [this](const QString& suggestion) {
        return QFileDialog::getSaveFileName(this, tr("Save Rule As"), suggestion, tr(RuleFileFilter));
    };
}

DocumentTabs::~DocumentTabs() = default;

RuleDocument* DocumentTabs::document(int index) const
{
    return m_documents.value(widget(index));
}

QList<RuleDocument*> DocumentTabs::documents() const
{
    QList<RuleDocument*> list;
    for (int i = 0; i < count(); ++i)
        if (RuleDocument* d = document(i))
            list.append(d);
    return list;
}

int DocumentTabs::indexOf(const RuleDocument* document) const
{
    return document ? QTabWidget::indexOf(document->editor()) : -1;
}

RuleDocument* DocumentTabs::create(const QString& text, const QString& path, const QString& untitledName)
{
    auto* document = new RuleDocument(&m_syntax, text, path, untitledName, m_options, this);
    m_documents.insert(document->editor(), document); // removed when the tab is closed
    connect(document, &RuleDocument::modificationChanged, this, [this, document] {
        updateTabTitle(indexOf(document));
        Q_EMIT titleChanged();
    });
    connect(document, &RuleDocument::autosaveDue, this, [this, document] { autosave(document); });
    document->evaluator()->setCompileOptions(m_compileOptions);
    Q_EMIT documentCreated(document);
    const int index = addTab(document->editor(), QString());
    updateTabTitle(index);
    setCurrentIndex(index);
    Q_EMIT m_context->documentAdded(document);
    return document;
}

void DocumentTabs::newRule()
{
    const QString name = tr("untitled-%1.yml").arg(++m_untitledCounter);
    create(QStringLiteral("title: \nstatus: experimental\nlogsource:\n    category: process_creation\n    product: "
                          "windows\ndetection:\n    selection:\n        Image|endswith: ''\n    condition: selection\n"
                          "level: medium\n"),
           QString(), name);
}

RuleDocument* DocumentTabs::newRule(const QString& text)
{
    return create(text, QString(), tr("untitled-%1.yml").arg(++m_untitledCounter));
}

void DocumentTabs::setCompileOptions(const sigma::CompileOptions& options)
{
    m_compileOptions = options;
    for (RuleDocument* d : documents()) {
        d->evaluator()->setCompileOptions(options);
        d->evaluator()->evaluateNow();
    }
}

void DocumentTabs::showPage(QWidget* page, const QString& title, const QString& toolTip)
{
    int index = QTabWidget::indexOf(page);
    if (index < 0)
        index = insertTab(currentIndex() + 1, page, title);
    else
        setTabText(index, title);
    setTabToolTip(index, toolTip);
    setCurrentIndex(index);
}

QList<QWidget*> DocumentTabs::pages() const
{
    QList<QWidget*> list;
    for (int i = 0; i < count(); ++i)
        if (!document(i))
            list.append(widget(i));
    return list;
}

bool DocumentTabs::openRuleFile(const QString& path)
{
    const QString absolute = QFileInfo(path).absoluteFilePath();
    for (int i = 0; i < count(); ++i) {
        if (RuleDocument* d = document(i); d && d->path() == absolute) {
            setCurrentIndex(i);
            return true;
        }
    }
    QString text;
    QString error;
    if (!readTextFile(absolute, &text, &error)) {
        m_context->showMessage(MessageBanner::Kind::Error, error);
        return false;
    }
    create(text, absolute, QString());
    Q_EMIT fileUsed(absolute);
    return true;
}

bool DocumentTabs::save(int index, const QString& path)
{
    RuleDocument* d = document(index);
    if (!d)
        return false;
    QString target = path.isEmpty() ? d->path() : QFileInfo(path).absoluteFilePath();
    if (target.isEmpty()) {
        target = m_askSavePath ? m_askSavePath(d->untitledName()) : QString();
        if (target.isEmpty())
            return false;
        target = QFileInfo(target).absoluteFilePath();
    }
    QString error;
    if (!writeTextFileAtomically(target, d->text(), &error)) {
        m_context->showMessage(MessageBanner::Kind::Error, error);
        m_context->showStatus(tr("Saving failed"), 5000);
        return false;
    }
    MessageBanner* banner = m_context->banner();
    if (banner->isVisible() && banner->kind() == MessageBanner::Kind::Error)
        banner->dismiss();
    const bool moved = d->path() != target;
    d->setPath(target);
    if (moved)
        Q_EMIT documentMoved(d);
    d->editor()->document()->setModified(false);
    m_recovery->remove(d->recoveryId());
    updateTabTitle(index);
    Q_EMIT titleChanged();
    Q_EMIT fileUsed(target);
    m_context->showStatus(tr("Saved %1").arg(QDir::toNativeSeparators(target)), 3000);
    return true;
}

bool DocumentTabs::saveCurrentAs()
{
    RuleDocument* d = currentDocument();
    if (!d || !m_askSavePath)
        return false;
    const QString target = m_askSavePath(d->path().isEmpty() ? d->untitledName() : d->path());
    if (target.isEmpty())
        return false;
    return save(currentIndex(), target);
}

bool DocumentTabs::maybeSave(int index)
{
    RuleDocument* d = document(index);
    if (!d || !d->isModified())
        return true;
    setCurrentIndex(index);
    switch (m_askToSave ? m_askToSave(d->displayName()) : QMessageBox::Discard) {
    case QMessageBox::Save:
        return save(index);
    case QMessageBox::Discard:
        return true;
    default:
        return false;
    }
}

bool DocumentTabs::close(int index)
{
    if (!maybeSave(index))
        return false;
    RuleDocument* d = document(index);
    if (!d) {
        QWidget* page = widget(index);
        if (!page)
            return false;
        removeTab(index); // a page: nothing to save
        page->deleteLater();
        return true;
    }
    d->stopAutosave();
    m_recovery->remove(d->recoveryId());
    RuleEditor* editor = d->editor();
    removeTab(index);
    m_documents.remove(editor);
    editor->deleteLater(); // the document and its evaluator go with it; a running job is left behind
    Q_EMIT titleChanged();
    return true;
}

bool DocumentTabs::prepareToClose()
{
    for (int i = 0; i < count(); ++i)
        if (!maybeSave(i))
            return false;
    for (RuleDocument* d : documents()) {
        d->stopAutosave();
        m_recovery->remove(d->recoveryId());
    }
    return true;
}

void DocumentTabs::autosave(RuleDocument* d)
{
    if (d->isModified())
        m_recovery->save(d->recoveryId(), d->path(), d->untitledName(), d->text());
    else
        m_recovery->remove(d->recoveryId());
}

int DocumentTabs::offerRecovery()
{
    const QVector<RecoveredDocument> docs = m_recovery->orphaned();
    if (docs.isEmpty())
        return 0;
    QStringList names;
    for (const auto& d : docs)
        names.append(d.path.isEmpty() ? d.untitledName : QFileInfo(d.path).fileName());
    m_context->showMessage(MessageBanner::Kind::Information,
                           tr("Sigma Workbench did not close properly last time. Unsaved changes were recovered: %1.")
                               .arg(names.join(QStringLiteral(", "))),
                           tr("Restore"), [this] { restoreRecovered(); });
    return int(docs.size());
}

void DocumentTabs::restoreRecovered()
{
    const QVector<RecoveredDocument> docs = m_recovery->orphaned();
    for (const auto& r : docs) {
        RuleDocument* d = nullptr;
        for (RuleDocument* open : documents())
            if (!r.path.isEmpty() && open->path() == r.path)
                d = open;
        if (!d) {
            // Start from the file on disk, so undo goes back to it.
            QString onDisk;
            if (!r.path.isEmpty() && !readTextFile(r.path, &onDisk, nullptr))
                onDisk.clear();
            d = create(onDisk, r.path, r.path.isEmpty() ? r.untitledName : QString());
        }
        // An undoable edit: the document is modified, and the user can undo to the saved text.
        QTextCursor c(d->editor()->document());
        c.select(QTextCursor::Document);
        c.insertText(r.text);
        if (!r.path.isEmpty())
            Q_EMIT fileUsed(r.path);
        setCurrentIndex(indexOf(d));
    }
    m_recovery->discard(docs);
    m_context->showStatus(tr("Restored %n document(s)", nullptr, int(docs.size())), 5000);
}

void DocumentTabs::updateTabTitle(int index)
{
    RuleDocument* d = document(index);
    if (!d)
        return;
    const QString name = d->displayName();
    setTabText(index, d->isModified() ? name + QLatin1Char('*') : name);
    setTabToolTip(index, d->path().isEmpty() ? name : QDir::toNativeSeparators(d->path()));
}

} // namespace sigmaui
