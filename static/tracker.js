import { initAll } from './nhsuk/nhsuk-frontend.min.js'

initAll()

// Bulk changes on the plan page: a button that ticks (or clears) every action on this page.
// Without JavaScript each box is ticked on its own; the form works the same.
for (const form of document.querySelectorAll('.app-bulk-form')) {
  const boxes = [...form.querySelectorAll('input[name="selected"]')]
  if (!boxes.length) continue
  const button = document.createElement('button')
  button.type = 'button'
  button.className = 'nhsuk-button nhsuk-button--secondary nhsuk-button--small app-bulk-select-page'
  const label = () => { button.textContent = boxes.every((box) => box.checked) ? 'Clear the actions on this page' : `Select the ${boxes.length} actions on this page` }
  button.addEventListener('click', () => {
    const tick = !boxes.every((box) => box.checked)
    for (const box of boxes) box.checked = tick
    label()
  })
  for (const box of boxes) box.addEventListener('change', label)
  label()
  form.insertBefore(button, form.querySelector('h2, table'))
}

// Wide tables: show "Scroll the table sideways to see more" only while a table is wider than its frame
// (by more than its own borders).
function markWideTables () {
  document.querySelectorAll('.app-table-frame').forEach(function (frame) {
    const scroller = frame.querySelector('.app-table-scroll')
    frame.classList.toggle('app-table-frame--wide', scroller.scrollWidth > scroller.clientWidth + 8)
  })
}
markWideTables()
window.addEventListener('resize', markWideTables)

// NHS.UK's file upload button holds its status ("No file chosen") and its text ("Choose file") side by
// side with no space between them, so its visible text reads "No file chosenChoose file", which its
// accessible name does not contain (WCAG 2.5.3, label in name). A space between them mends both.
document.querySelectorAll('.nhsuk-file-upload__status').forEach(function (status) {
  if (status.nextSibling === null || status.nextSibling.nodeType !== Node.TEXT_NODE) {
    status.after(document.createTextNode(' '))
  }
})

// The plan page's owner filter: as people type a name (or an email), suggest up to 10 people with
// actions in the plan from /plans/<id>/people, as a combobox (ARIA 1.2: the list is announced, Up and
// Down move through it, Enter or a click chooses, Escape closes it). Choosing someone sets the hidden
// owner id; without JavaScript the typed text is matched on the server when the filters are applied.
for (const input of document.querySelectorAll('input[data-people-url]')) {
  const form = input.form
  const owner = form.querySelector('input[type="hidden"][name="owner"]')
  const list = document.createElement('ul')
  list.id = input.id + '-suggestions'
  list.className = 'app-combobox__list'
  list.setAttribute('role', 'listbox')
  list.setAttribute('aria-label', 'People with actions in this plan')
  list.hidden = true
  const status = document.createElement('div')
  status.className = 'nhsuk-u-visually-hidden'
  status.setAttribute('role', 'status')
  input.after(list, status)
  input.setAttribute('role', 'combobox')
  input.setAttribute('aria-autocomplete', 'list')
  input.setAttribute('aria-expanded', 'false')
  input.setAttribute('aria-controls', list.id)
  let people = []
  let active = -1
  let timer = null
  let asked = 0

  const close = () => {
    list.hidden = true
    input.setAttribute('aria-expanded', 'false')
    input.removeAttribute('aria-activedescendant')
    active = -1
  }
  const highlight = (index) => {
    active = index
    list.querySelectorAll('[role="option"]').forEach((option, i) => {
      option.setAttribute('aria-selected', i === index ? 'true' : 'false')
      if (i === index) {
        input.setAttribute('aria-activedescendant', option.id)
        option.scrollIntoView({ block: 'nearest' })
      }
    })
  }
  const choose = (person) => {
    input.value = person.name
    owner.value = String(person.id)
    close()
    status.textContent = `${person.name} chosen. Apply the filters to see their actions.`
  }
  const show = (found) => {
    people = found
    list.replaceChildren(...found.map((person, i) => {
      const option = document.createElement('li')
      option.id = `${list.id}-${i}`
      option.className = 'app-combobox__option'
      option.setAttribute('role', 'option')
      option.setAttribute('aria-selected', 'false')
      option.textContent = person.name
      if (person.detail) {
        const detail = document.createElement('span')
        detail.className = 'app-combobox__detail'
        detail.textContent = `, ${person.detail}`
        option.append(detail)
      }
      option.addEventListener('mousedown', (event) => event.preventDefault())
      option.addEventListener('click', () => choose(person))
      return option
    }))
    list.hidden = !found.length
    input.setAttribute('aria-expanded', found.length ? 'true' : 'false')
    active = -1
    status.textContent = found.length
      ? `${found.length} ${found.length === 1 ? 'person matches' : 'people match'}; use the up and down arrows to choose`
      : 'No one with an action in this plan matches'
  }
  const ask = async () => {
    const text = input.value.trim()
    const mine = ++asked
    if (!text) { show([]); status.textContent = ''; return }
    try {
      const response = await fetch(`${input.dataset.peopleUrl}?q=${encodeURIComponent(text)}`,
        { headers: { Accept: 'application/json' }, credentials: 'same-origin' })
      if (!response.ok || mine !== asked) return
      show(await response.json())
    } catch (error) {
      close() // the server matches the typed text when the filters are applied
    }
  }
  input.addEventListener('input', () => {
    owner.value = ''
    clearTimeout(timer)
    timer = setTimeout(ask, 200)
  })
  input.addEventListener('keydown', (event) => {
    if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      if (list.hidden) { if (people.length) { list.hidden = false; input.setAttribute('aria-expanded', 'true') } else return }
      event.preventDefault()
      const step = event.key === 'ArrowDown' ? 1 : -1
      highlight((active + step + people.length) % people.length)
    } else if (event.key === 'Enter' && !list.hidden && active >= 0) {
      event.preventDefault()
      choose(people[active])
    } else if (event.key === 'Escape' && !list.hidden) {
      event.preventDefault()
      close()
    }
  })
  input.addEventListener('blur', close)
}
